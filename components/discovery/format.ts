/** Card dates in UTC, so the server's render and the browser's hydration print the same text. */
const sameYear = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
const otherYear = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

export function cardDate(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  return at.getUTCFullYear() === now.getUTCFullYear() ? sameYear.format(at) : otherYear.format(at);
}

export function compactCount(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}
