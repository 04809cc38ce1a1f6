/** Reader dates: one format for lists and posts, in UTC so server renders are stable. */
const longDate = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" });

export function readerDate(date: Date): string {
  return longDate.format(date);
}
