import { compareValues, encodeKey } from "../query/compare";
import { compileFilter, type Matcher } from "../query/filter";
import { type Doc, valuesAtPath } from "../query/paths";
import { RAW_BSON } from "./bson-doc-map";
import { SortedList } from "./sorted-list";

export interface IndexSpec {
  v: 2;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  [option: string]: unknown;
}

/** One index entry; `key` is the bare value for a single-field index (no array per entry). */
export interface IndexEntry {
  key: unknown;
  id: string;
}

/**
 * One index: `(key, id)` entries kept sorted by key, serving equality, uniqueness, ranges and
 * ordered scans by binary search (no per-key hash map: memory matters more than O(1) here).
 * Multikey: an array value yields one entry per element.
 */
export class IndexStore {
  readonly fields: string[];
  readonly directions: number[];
  readonly unique: boolean;
  private readonly single: boolean;
  multikey = false;
  private readonly sorted: SortedList<IndexEntry>;
  private readonly partial?: Matcher;

  /**
   * Set for the `_id` index: equality on `_id` is served by the collection's own map, so the
   * sorted entries are only built (from `rebuild`) when a range or sort on `_id` first needs them.
   */
  private lazy?: { built: boolean; rebuild: () => Iterable<IndexEntry> };

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => (spec.key[f] === -1 ? -1 : 1));
    this.unique = spec.unique === true;
    this.single = this.fields.length === 1;
    // The query matcher, so `$type`, Decimal128 and int64 bounds decide membership as in a find.
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
    this.sorted = new SortedList(
      (a, b) => this.compareStored(a.key, b.key) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  get name(): string {
    return this.spec.name;
  }

  private inPartial(doc: Doc, bytes: Buffer | undefined): boolean {
    const partial = this.partial!;
    const raw = (doc as { [RAW_BSON]?: Buffer })[RAW_BSON] ?? bytes;
    if (!raw) return partial.test(doc);
    const decided = partial.testRaw?.(raw);
    if (decided !== undefined) return decided;
    if (!(RAW_BSON in doc)) {
      // `$type` finds the exact number types through the stored bytes a document is marked with.
      Object.defineProperty(doc, RAW_BSON, { value: raw, enumerable: false, configurable: true });
    }
    return partial.test(doc);
  }

  /**
   * The key tuples a document contributes (none when sparse/partial rules exclude it). `bytes`:
   * the document's stored BSON when `doc` does not carry it, for the partial filter's exact types.
   */
  keysOf(doc: Doc, bytes?: Buffer): unknown[][] {
    if (this.partial && !this.inPartial(doc, bytes)) return [];
    if (this.single && !this.spec.sparse) {
      // The common case without the tuple cross-product: one field, usually one value.
      const vals = valuesAtPath(doc, this.fields[0]!);
      if (vals.length <= 1) return [[vals.length === 0 || vals[0] === undefined ? null : vals[0]]];
    }
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
      const stored = this.stored(key);
      for (const e of this.sorted.range((x) => this.compareStored(x.key, stored))) {
        if (e.id !== selfId) return { key, id: e.id };
      }
    }
    return undefined;
  }

  buildLazily(rebuild: () => Iterable<IndexEntry>): void {
    this.lazy = { built: false, rebuild };
  }

  add(id: string, keys: unknown[][]): void {
    if (this.lazy && !this.lazy.built) return;
    for (const key of keys) this.sorted.insert({ key: this.stored(key), id });
  }

  remove(id: string, keys: unknown[][]): void {
    if (this.lazy && !this.lazy.built) return;
    for (const key of keys) this.sorted.remove({ key: this.stored(key), id });
  }

  get size(): number {
    return this.sorted.size;
  }

  /**
   * Entries whose leading components equal `prefix` and whose next component lies within
   * `range`, in index order (or reversed).
   */
  *scan(prefix: unknown[], range: KeyRange | undefined, reverse: boolean): Generator<IndexEntry> {
    if (this.lazy && !this.lazy.built) {
      this.lazy.built = true;
      for (const e of this.lazy.rebuild()) this.sorted.insert(e);
    }
    const n = prefix.length;
    const inRange = (e: IndexEntry): number => {
      for (let i = 0; i < n; i++) {
        const c = compareValues(this.part(e.key, i), prefix[i]) * this.directions[i]!;
        if (c !== 0) return c;
      }
      if (!range) return 0;
      const v = this.part(e.key, n);
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
    yield* this.sorted.range(inRange, reverse);
  }

  private stored(key: unknown[]): unknown {
    return this.single ? key[0] : key;
  }

  private part(stored: unknown, i: number): unknown {
    return this.single ? stored : (stored as unknown[])[i];
  }

  private compareStored(a: unknown, b: unknown): number {
    if (this.single) return compareValues(a, b) * this.directions[0]!;
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < x.length; i++) {
      const c = compareValues(x[i], y[i]) * this.directions[i]!;
      if (c !== 0) return c;
    }
    return 0;
  }
}

export interface KeyRange {
  min?: { value: unknown; inclusive: boolean };
  max?: { value: unknown; inclusive: boolean };
}

export function encodeTuple(key: unknown[]): string {
  return key.length === 1 ? encodeKey(key[0]) : JSON.stringify(key.map(encodeKey));
}
