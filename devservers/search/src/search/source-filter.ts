import { badRequest } from "../errors";
import { wildcardRegex } from "../mapping/mapping";

/** `_source` of a search or get: false, true, patterns, or `{includes, excludes}`. */
export interface SourceSpec {
  fetch: boolean;
  includes: string[];
  excludes: string[];
}

export const FETCH_ALL: SourceSpec = { fetch: true, includes: [], excludes: [] };

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function parseSourceSpec(v: unknown): SourceSpec {
  if (v === undefined || v === null || v === true || v === "true") return FETCH_ALL;
  if (v === false || v === "false") return { fetch: false, includes: [], excludes: [] };
  if (typeof v === "string") return { fetch: true, includes: v.split(",").filter(Boolean), excludes: [] };
  if (Array.isArray(v)) return { fetch: true, includes: v.map(String), excludes: [] };
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["includes", "include", "excludes", "exclude"].includes(k)) {
        throw badRequest(`Unknown key for a START_OBJECT in [_source]: [${k}].`);
      }
    }
    return { fetch: true, includes: list(o.includes ?? o.include), excludes: list(o.excludes ?? o.exclude) };
  }
  throw badRequest("[_source] must be a boolean, a string, an array or an object");
}

/** From URL parameters `_source`, `_source_includes`, `_source_excludes`. */
export function sourceSpecFromParams(params: URLSearchParams): SourceSpec | undefined {
  const src = params.get("_source");
  const inc = params.get("_source_includes") ?? params.get("_source_include");
  const exc = params.get("_source_excludes") ?? params.get("_source_exclude");
  if (src === null && inc === null && exc === null) return undefined;
  if (src === "false") return { fetch: false, includes: [], excludes: [] };
  const includes = [...(src && src !== "true" ? src.split(",") : []), ...(inc ? inc.split(",") : [])];
  return { fetch: true, includes, excludes: exc ? exc.split(",") : [] };
}

/** Whether the spec keeps the whole source as it is (no filtering needed). */
export function isWholeSource(spec: SourceSpec): boolean {
  return spec.fetch && spec.includes.length === 0 && spec.excludes.length === 0;
}

/**
 * Filters a source like Elasticsearch's XContentMapValues.filter: a path is kept when an include
 * pattern matches it or one of its parents, dropped when an exclude pattern matches it or a
 * parent; objects left empty by the filter are dropped.
 */
export function filterSource(source: Record<string, unknown>, spec: SourceSpec): Record<string, unknown> {
  const inc = spec.includes.map(wildcardRegex);
  const incPrefixes = spec.includes;
  const exc = spec.excludes.map(wildcardRegex);
  const couldIncludeBelow = (path: string) =>
    incPrefixes.some((p) => p.includes("*") || p.startsWith(`${path}.`));

  const walk = (obj: Record<string, unknown>, prefix: string, included: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (exc.some((re) => re.test(path))) continue;
      const inHere = included || inc.length === 0 || inc.some((re) => re.test(path));
      const kept = filterValue(value, path, inHere);
      if (kept !== undefined) out[key] = kept;
    }
    return out;
  };

  const filterValue = (value: unknown, path: string, included: boolean): unknown => {
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const item of value) {
        const k = filterValue(item, path, included);
        if (k !== undefined) items.push(k);
      }
      return items.length > 0 || included ? items : undefined;
    }
    if (value !== null && typeof value === "object") {
      if (!included && !couldIncludeBelow(path)) return undefined;
      const sub = walk(value as Record<string, unknown>, path, included);
      if (!included && Object.keys(sub).length === 0) return undefined;
      return sub;
    }
    return included ? value : undefined;
  };

  return walk(source, "", false);
}

/** Top-level members of a JSON object's text: key and the text span of `"key": value`. */
export function topLevelMembers(json: string): { key: string; start: number; end: number }[] | null {
  const n = json.length;
  let i = 0;
  const ws = () => {
    while (i < n) {
      const c = json.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const skipString = () => {
    i++; // opening quote
    while (i < n) {
      const c = json.charCodeAt(i);
      if (c === 0x5c) i += 2;
      else if (c === 0x22) {
        i++;
        return;
      } else i++;
    }
  };
  ws();
  if (json[i] !== "{") return null;
  i++;
  const out: { key: string; start: number; end: number }[] = [];
  for (;;) {
    ws();
    if (json[i] === "}") return out;
    if (json[i] !== '"') return null;
    const start = i;
    skipString();
    const rawKey = json.slice(start + 1, i - 1);
    const key = rawKey.includes("\\") ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
    ws();
    if (json[i] !== ":") return null;
    i++;
    ws();
    let depth = 0;
    while (i < n) {
      const c = json.charCodeAt(i);
      if (c === 0x22) {
        skipString();
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) break;
        depth--;
      } else if (c === 0x2c && depth === 0) break;
      i++;
    }
    let end = i;
    while (end > start && /\s/.test(json[end - 1]!)) end--;
    out.push({ key, start, end });
    ws();
    if (json[i] === ",") i++;
    else if (json[i] !== "}") return null;
  }
}

/**
 * Filters a source's text without parsing it, when every pattern names a top-level field (the
 * usual `_source: ["title", "slug"]` or `excludes: ["embedding"]`): the kept members' text is
 * copied as is. Null when the spec needs the general filter.
 */
export function filterTopLevelRaw(json: string, spec: SourceSpec): string | null {
  const simple = (p: string) => !p.includes(".") && !p.includes("*");
  if (!spec.includes.every(simple) || !spec.excludes.every(simple)) return null;
  const members = topLevelMembers(json);
  if (!members) return null;
  const inc = new Set(spec.includes);
  const exc = new Set(spec.excludes);
  const kept = members.filter((m) => (inc.size === 0 || inc.has(m.key)) && !exc.has(m.key));
  return `{${kept.map((m) => json.slice(m.start, m.end)).join(",")}}`;
}
