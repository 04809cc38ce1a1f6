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
  /** Some document holds an array on an indexed path (never reset, as in mongod). */
  multikey = false;
  /**
   * Per index field, the path prefixes ("tags", "items", "items.tags") where some document held an
   * array: mongod's `multiKeyPaths`, which decide the bounds and sorts a scan may use.
   */
  readonly multikeyPaths: Set<string>[];
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
    this.multikeyPaths = this.fields.map(() => new Set<string>());
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
    this.noteArrays(doc);
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

  /** Records which indexed path prefixes of `doc` are arrays (one property check per plain field). */
  private noteArrays(doc: Doc): void {
    for (let i = 0; i < this.fields.length; i++) {
      const f = this.fields[i]!;
      if (!f.includes(".")) {
        if (Array.isArray(doc[f])) this.markArray(i, f);
        continue;
      }
      arrayPrefixes(doc, f.split("."), 0, (p) => this.markArray(i, p));
    }
  }

  private markArray(field: number, prefix: string): void {
    const paths = this.multikeyPaths[field]!;
    if (paths.has(prefix)) return;
    paths.add(prefix);
    this.multikey = true;
  }

  /** Index field names with an array somewhere along their path. */
  multikeyFields(): Set<string> {
    const out = new Set<string>();
    this.fields.forEach((f, i) => {
      if (this.multikeyPaths[i]!.size > 0) out.add(f);
    });
    return out;
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
    this.build();
    yield* this.sorted.range(this.runWhere(prefix, range), reverse);
  }

  /** `scan` without generators: `visit` each entry until it returns false (false: stopped). */
  each(
    prefix: unknown[],
    range: KeyRange | undefined,
    reverse: boolean,
    visit: (e: IndexEntry) => boolean,
  ): boolean {
    this.build();
    return this.sorted.each(this.runWhere(prefix, range), reverse, visit);
  }

  /** How many entries `scan(prefix, range)` would visit, by binary search (planner estimates). */
  count(prefix: unknown[], range: KeyRange | undefined): number {
    this.build();
    return this.sorted.count(this.runWhere(prefix, range));
  }

  private build(): void {
    if (this.lazy && !this.lazy.built) {
      this.lazy.built = true;
      for (const e of this.lazy.rebuild()) this.sorted.insert(e);
    }
  }

  private runWhere(prefix: unknown[], range: KeyRange | undefined): (e: IndexEntry) => number {
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
    return inRange;
  }

  private stored(key: unknown[]): unknown {
    return this.single ? key[0] : key;
  }

  /** Component `i` of a stored entry key. */
  part(stored: unknown, i: number): unknown {
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

/** Calls `mark` with each prefix of `parts` (from `i`) at which `v` holds an array. */
function arrayPrefixes(v: unknown, parts: string[], i: number, mark: (prefix: string) => void): void {
  if (i === parts.length || v === null || typeof v !== "object") return;
  const next = (v as Doc)[parts[i]!];
  if (Array.isArray(next)) {
    mark(parts.slice(0, i + 1).join("."));
    for (const el of next) if (el !== null && typeof el === "object") arrayPrefixes(el, parts, i + 1, mark);
    return;
  }
  arrayPrefixes(next, parts, i + 1, mark);
}

export function encodeTuple(key: unknown[]): string {
  return key.length === 1 ? encodeKey(key[0]) : JSON.stringify(key.map(encodeKey));
}
