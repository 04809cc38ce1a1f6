import { wildcardRegex } from "../mapping/mapping";

/**
 * The `filter_path` parameter: keeps the parts of a response named by dotted patterns (`*` within
 * a name, `**` for any depth); a leading `-` removes what it names instead. Arrays are looked
 * through (`hits.hits._id` keeps the `_id` of every hit).
 */
export function filterResponse(body: unknown, filterPath: string): unknown {
  const all = filterPath
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const includes = all.filter((p) => !p.startsWith("-")).map((p) => p.split("."));
  const excludes = all.filter((p) => p.startsWith("-")).map((p) => p.slice(1).split("."));
  let out = includes.length > 0 ? keep(body, includes) : body;
  if (excludes.length > 0) out = drop(out, excludes);
  return out ?? {};
}

function matches(segment: string, key: string): boolean {
  return segment === key || (segment.includes("*") && wildcardRegex(segment).test(key));
}

function keep(value: unknown, patterns: string[][]): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => keep(v, patterns)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const next: string[][] = [];
    let whole = false;
    for (const p of patterns) {
      if (p[0] === "**") {
        next.push(p); // ** may span more levels
        if (p.length > 1 && matches(p[1]!, key)) {
          if (p.length === 2) whole = true;
          else next.push(p.slice(2));
        }
        continue;
      }
      if (!matches(p[0]!, key)) continue;
      if (p.length === 1) whole = true;
      else next.push(p.slice(1));
    }
    if (whole) out[key] = v;
    else if (next.length > 0) {
      const sub = keep(v, next);
      if (sub !== undefined) out[key] = sub;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function drop(value: unknown, patterns: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v) => drop(v, patterns));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const next = patterns.filter((p) => matches(p[0]!, key));
    if (next.some((p) => p.length === 1)) continue;
    out[key] =
      next.length > 0
        ? drop(
            v,
            next.map((p) => p.slice(1)),
          )
        : v;
  }
  return out;
}
