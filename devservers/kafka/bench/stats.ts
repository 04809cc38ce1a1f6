/** Percentiles and the RESULT line format of /work/shared/BENCHMARKS.md. */

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  if (Math.abs(v) >= 100) return Math.round(v);
  if (Math.abs(v) >= 1) return Math.round(v * 100) / 100;
  return Math.round(v * 1000) / 1000;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  op: "<" | ">=";
  target: number;
}

export function resultLine(f: Figure): string {
  const ok = f.op === "<" ? f.value < f.target : f.value >= f.target;
  return `RESULT ${f.name} ${round(f.value)} ${f.unit} target ${f.op} ${f.target} ${ok ? "ok" : "miss"}`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "))
    .join("\n");
}
