import { Query } from "mingo";
import { compareValues, encodeKey } from "../query/compare";
import { type Doc, valuesAtPath } from "../query/paths";

export interface IndexSpec {
  v: 2;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  [option: string]: unknown;
}

export interface IndexEntry {
  key: unknown[];
  id: string;
}

/**
 * One index: a map from encoded key to document ids (equality, uniqueness) plus the entries kept
 * sorted by key (ranges and ordered scans). Multikey: an array value yields one entry per element.
 */
export class IndexStore {
  readonly fields: string[];
  readonly directions: number[];
  readonly unique: boolean;
  multikey = false;
  private readonly byKey = new Map<string, Set<string>>();
  private readonly sorted: IndexEntry[] = [];
  private readonly partial?: Query;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => (spec.key[f] === -1 ? -1 : 1));
    this.unique = spec.unique === true;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression);
  }

  get name(): string {
    return this.spec.name;
  }

  /** The key tuples a document contributes (none when sparse/partial rules exclude it). */
  keysOf(doc: Doc): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((f) => valuesAtPath(doc, f));
    if (this.spec.sparse && perField.every((vals) => vals.length === 0)) return [];
    let tuples: unknown[][] = [[]];
    for (const vals of perField) {
      const options = vals.length === 0 ? [null] : vals.map((v) => (v === undefined ? null : v));
      if (options.length > 1) this.multikey = true;
      tuples = tuples.flatMap((t) => options.map((v) => [...t, v]));
    }
    if (tuples.length > 1) {
      const seen = new Set<string>();
      tuples = tuples.filter((t) => {
        const k = encodeTuple(t);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    return tuples;
  }

  /** The id of another document already holding one of these keys (unique indexes only). */
  conflict(keys: unknown[][], selfId: string): { key: unknown[]; id: string } | undefined {
    if (!this.unique) return undefined;
    for (const key of keys) {
      const ids = this.byKey.get(encodeTuple(key));
      if (ids) for (const id of ids) if (id !== selfId) return { key, id };
    }
    return undefined;
  }

  add(id: string, keys: unknown[][]): void {
    for (const key of keys) {
      const k = encodeTuple(key);
      let ids = this.byKey.get(k);
      if (!ids) {
        ids = new Set();
        this.byKey.set(k, ids);
      }
      ids.add(id);
      const entry = { key, id };
      this.sorted.splice(this.lowerBound(entry), 0, entry);
    }
  }

  remove(id: string, keys: unknown[][]): void {
    for (const key of keys) {
      const k = encodeTuple(key);
      const ids = this.byKey.get(k);
      if (ids) {
        ids.delete(id);
        if (ids.size === 0) this.byKey.delete(k);
      }
      const at = this.lowerBound({ key, id });
      const e = this.sorted[at];
      if (e && e.id === id && this.compareKeys(e.key, key) === 0) this.sorted.splice(at, 1);
    }
  }

  /** Ids whose key equals `key` exactly (all index fields). */
  idsForKey(key: unknown[]): Iterable<string> {
    return this.byKey.get(encodeTuple(key)) ?? [];
  }

  get size(): number {
    return this.sorted.length;
  }

  /**
   * Entries whose leading components equal `prefix` and whose next component lies within
   * `range`, in index order (or reversed).
   */
  *scan(prefix: unknown[], range: KeyRange | undefined, reverse: boolean): Generator<IndexEntry> {
    const n = prefix.length;
    const inRange = (e: IndexEntry): number => {
      for (let i = 0; i < n; i++) {
        const c = compareValues(e.key[i], prefix[i]) * this.directions[i]!;
        if (c !== 0) return c;
      }
      if (!range) return 0;
      const v = e.key[n];
      const dir = this.directions[n]!;
      if (range.min !== undefined) {
        const c = compareValues(v, range.min.value);
        if (c < 0 || (c === 0 && !range.min.inclusive)) return -dir;
      }
      if (range.max !== undefined) {
        const c = compareValues(v, range.max.value);
        if (c > 0 || (c === 0 && !range.max.inclusive)) return dir;
      }
      return 0;
    };
    // Binary-search the first entry not below the range, then walk while inside it.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inRange(this.sorted[mid]!) < 0) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    let hi2 = this.sorted.length;
    while (end < hi2) {
      const mid = (end + hi2) >>> 1;
      if (inRange(this.sorted[mid]!) <= 0) end = mid + 1;
      else hi2 = mid;
    }
    if (reverse) {
      for (let i = end - 1; i >= lo; i--) {
        const e = this.sorted[i]!;
        if (inRange(e) === 0) yield e;
      }
    } else {
      for (let i = lo; i < end; i++) {
        const e = this.sorted[i]!;
        if (inRange(e) === 0) yield e;
      }
    }
  }

  private compareKeys(a: unknown[], b: unknown[]): number {
    for (let i = 0; i < a.length; i++) {
      const c = compareValues(a[i], b[i]) * this.directions[i]!;
      if (c !== 0) return c;
    }
    return 0;
  }

  private lowerBound(entry: IndexEntry): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.sorted[mid]!;
      const c = this.compareKeys(e.key, entry.key) || (e.id < entry.id ? -1 : e.id > entry.id ? 1 : 0);
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface KeyRange {
  min?: { value: unknown; inclusive: boolean };
  max?: { value: unknown; inclusive: boolean };
}

export function encodeTuple(key: unknown[]): string {
  return key.length === 1 ? encodeKey(key[0]) : JSON.stringify(key.map(encodeKey));
}
