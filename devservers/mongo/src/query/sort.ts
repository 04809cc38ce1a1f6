import { mongoError } from "../errors";
import { compareValues, type StringCompare } from "./compare";
import { type Doc, isPlainObject, valuesAtPath } from "./paths";

export type SortSpec = [field: string, dir: 1 | -1][];

export function parseSort(sort: unknown): SortSpec | undefined {
  if (sort === undefined || sort === null) return undefined;
  if (!isPlainObject(sort)) throw mongoError("TypeMismatch", "Expected field sortto be of type object");
  const spec: SortSpec = [];
  for (const [field, dir] of Object.entries(sort)) {
    if (dir === 1 || dir === -1) spec.push([field, dir]);
    else if (isPlainObject(dir) && "$meta" in dir) {
      throw mongoError("BadValue", `unsupported sort $meta on field ${field}`);
    } else {
      throw mongoError("BadValue", "$sort key ordering must be 1 (for ascending) or -1 (for descending)");
    }
  }
  return spec.length ? spec : undefined;
}

/** An array sorts by its smallest element ascending and its largest descending; missing = null. */
export function sortKey(doc: Doc, field: string, dir: 1 | -1, strcmp?: StringCompare): unknown {
  const values = valuesAtPath(doc, field);
  if (values.length === 0) return null;
  let best: unknown = values[0] === undefined ? null : values[0];
  for (let i = 1; i < values.length; i++) {
    const v = values[i] === undefined ? null : values[i];
    const c = compareValues(v, best, strcmp);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v;
  }
  return best;
}

/** `strcmp`: a collation's string order. */
export function sortDocs(docs: Doc[], spec: SortSpec, strcmp?: StringCompare): Doc[] {
  const natural = spec.find(([f]) => f === "$natural");
  if (natural) return natural[1] === -1 ? docs.reverse() : docs;
  const keyed = docs.map((doc) => ({ doc, keys: spec.map(([f, d]) => sortKey(doc, f, d, strcmp)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < spec.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i], strcmp) * spec[i]![1];
      if (c !== 0) return c;
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}
