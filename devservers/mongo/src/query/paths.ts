export type Doc = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Every value a dotted path reaches, traversing arrays like mongod does for indexes and sorts.
 * A leaf array contributes its elements (an empty one contributes `undefined`); `[]` means missing.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split("."), 0, out, true);
  return out;
}

function collect(v: unknown, parts: string[], i: number, out: unknown[], expandLeaf: boolean): void {
  if (i === parts.length) {
    if (Array.isArray(v) && expandLeaf) {
      if (v.length === 0) out.push(undefined);
      else out.push(...v);
    } else out.push(v);
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(v)) {
    if (/^\d+$/.test(part) && Number(part) < v.length)
      collect(v[Number(part)], parts, i + 1, out, expandLeaf);
    for (const el of v) if (isPlainObject(el)) collect(el, parts, i, out, false);
    return;
  }
  if (v !== null && typeof v === "object" && part in (v as Doc)) {
    collect((v as Doc)[part], parts, i + 1, out, expandLeaf);
  }
}

/** The plain value at a dotted path, without traversing arrays of sub-documents. */
export function getPath(doc: unknown, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Doc)[part];
  }
  return v;
}

export function hasPath(doc: unknown, path: string): boolean {
  let v: unknown = doc;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object" || !(part in (v as Doc))) return false;
    v = (v as Doc)[part];
  }
  return true;
}
