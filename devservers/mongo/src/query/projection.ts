import { Aggregator } from "mingo";
import { mongoError, toServerError } from "../errors";
import { needsExactTypes } from "./bson-type";
import { compileFilter } from "./filter";
import { MINGO_OPTIONS } from "./mingo-options";
import { exactStored, exactTwin, linkTwins } from "./number-types";
import { type Doc, isPlainObject } from "./paths";
import { positionalIndex } from "./update-operators";

type Tree = { [field: string]: Tree | true };

export type Projector = (doc: Doc) => Doc;

/**
 * find/findAndModify projections. Plain inclusion/exclusion (dotted paths included) is done here
 * to keep mongod's field order (`_id` first, then document order); operators and expressions go
 * through mingo's `$project`, with `_id` moved back to the front.
 */
export function compileProjection(projection: unknown, query?: Doc): Projector | undefined {
  if (projection === undefined || projection === null) return undefined;
  if (!isPlainObject(projection)) throw mongoError("TypeMismatch", "projection must be an object");
  const entries = Object.entries(projection);
  if (entries.length === 0) return undefined;

  const isFlag = (v: unknown) => typeof v === "number" || typeof v === "boolean";
  const isFindOperator = (v: unknown) =>
    isPlainObject(v) && Object.keys(v).length === 1 && ("$slice" in v || "$elemMatch" in v);
  if (!entries.every(([, v]) => isFlag(v) || isFindOperator(v))) return viaMingo(projection);
  if (entries.some(([k, v]) => isFindOperator(v) || k.endsWith(".$"))) {
    return withFindOperators(entries, query ?? {});
  }

  let inclusion: boolean | undefined;
  let includeId = true;
  const tree: Tree = {};
  for (const [field, v] of entries) {
    const on = Boolean(v);
    if (field === "_id") {
      includeId = on;
      continue;
    }
    if (inclusion === undefined) inclusion = on;
    else if (inclusion !== on) {
      throw on
        ? mongoError("Location31253", `Cannot do inclusion on field ${field} in exclusion projection`)
        : mongoError("Location31254", `Cannot do exclusion on field ${field} in inclusion projection`);
    }
    addPath(tree, field);
  }
  if (inclusion === undefined) {
    // Only _id was named.
    return includeId ? (doc) => ("_id" in doc ? { _id: doc._id } : {}) : (doc) => omit(doc, { _id: true });
  }
  if (inclusion) {
    if (includeId) tree._id = true;
    return (doc) => pick(doc, tree);
  }
  if (!includeId) tree._id = true;
  return (doc) => omit(doc, tree);
}

function addPath(tree: Tree, path: string): void {
  const parts = path.split(".");
  let node = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const cur = node[parts[i]!];
    if (cur === true) return;
    if (!cur) node[parts[i]!] = {};
    node = node[parts[i]!] as Tree;
  }
  node[parts[parts.length - 1]!] = true;
}

function pick(doc: Doc, tree: Tree): Doc {
  const out: Doc = {};
  if (tree._id === true && "_id" in doc) out._id = doc._id;
  for (const [k, v] of Object.entries(doc)) {
    if (k === "_id" && tree._id === true) continue;
    const sub = tree[k];
    if (sub === undefined) continue;
    if (sub === true) out[k] = v;
    else if (isPlainObject(v)) out[k] = pick(v, sub);
    else if (Array.isArray(v)) out[k] = pickArray(v, sub);
  }
  return out;
}

function pickArray(arr: unknown[], tree: Tree): unknown[] {
  const out: unknown[] = [];
  for (const el of arr) {
    if (isPlainObject(el)) out.push(pick(el, tree));
    else if (Array.isArray(el)) out.push(pickArray(el, tree));
  }
  return out;
}

function omit(doc: Doc, tree: Tree): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) {
    const sub = tree[k];
    if (sub === true) continue;
    if (sub === undefined) out[k] = v;
    else if (isPlainObject(v)) out[k] = omit(v, sub);
    else if (Array.isArray(v)) out[k] = v.map((el) => (isPlainObject(el) ? omit(el, sub) : el));
    else out[k] = v;
  }
  return out;
}

function viaMingo(projection: Doc): Projector {
  let agg: Aggregator;
  try {
    agg = new Aggregator([{ $project: projection }], MINGO_OPTIONS);
  } catch (err) {
    throw toServerError(err);
  }
  return (doc) => {
    try {
      const [out] = agg.run([doc]) as Doc[];
      return idFirst(out ?? {});
    } catch (err) {
      throw toServerError(err);
    }
  };
}

/** The exact (unpromoted) elements of `doc[field]`: linked to it, or decoded from its stored bytes. */
function exactArray(doc: Doc, field: string): unknown[] | undefined {
  const arr = doc[field];
  const twin = Array.isArray(arr) ? exactTwin(arr) : undefined;
  if (Array.isArray(twin)) return twin;
  const stored = exactStored(doc)?.[field];
  return Array.isArray(stored) ? stored : undefined;
}

export function idFirst(doc: Doc): Doc {
  if (!("_id" in doc) || Object.keys(doc)[0] === "_id") return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * find's own projection operators: `$slice`, `$elemMatch` and the positional `field.$`.
 * `$elemMatch` and `field.$` count as inclusions; `$slice` alone keeps every other field.
 */
function withFindOperators(entries: [string, unknown][], query: Doc): Projector {
  const flags: Doc = {};
  const after: ((out: Doc, doc: Doc) => void)[] = [];
  for (const [field, v] of entries) {
    if (field.endsWith(".$")) {
      const base = field.slice(0, -2);
      flags[base] = 1;
      after.push((out) => {
        const arr = out[base];
        if (!Array.isArray(arr)) return;
        const i = positionalIndex(arr, base, { query }, field);
        out[base] = [arr[i]];
      });
    } else if (isPlainObject(v) && "$elemMatch" in v) {
      flags[field] = 1;
      // The find filter's matcher: numbers of every type by value, `$type` on the stored types.
      const filter = { [field]: { $elemMatch: v.$elemMatch } };
      const matcher = compileFilter(filter);
      const exactTypes = needsExactTypes(filter);
      after.push((out, doc) => {
        const arr = out[field];
        if (!Array.isArray(arr)) return;
        const exact = exactTypes ? exactArray(doc, field) : undefined;
        const hit = arr.findIndex((el, i) => {
          const probe = { [field]: [el] };
          if (exact) linkTwins(probe, { [field]: [exact[i]] });
          return matcher.test(probe);
        });
        if (hit < 0) delete out[field];
        else out[field] = [arr[hit]];
      });
    } else if (isPlainObject(v) && "$slice" in v) {
      const sl = v.$slice;
      after.push((out) => {
        const arr = out[field];
        if (!Array.isArray(arr)) return;
        if (typeof sl === "number")
          out[field] = sl >= 0 ? arr.slice(0, sl) : arr.slice(Math.max(0, arr.length + sl));
        else if (Array.isArray(sl)) {
          const [skip, n] = sl as number[];
          const from = skip! >= 0 ? skip! : Math.max(0, arr.length + skip!);
          out[field] = arr.slice(from, from + n!);
        } else throw mongoError("BadValue", "$slice only supports numbers and [skip, limit] arrays");
      });
    } else flags[field] = v;
  }
  const sliced = entries.filter(([, v]) => isPlainObject(v) && "$slice" in v).map(([k]) => k);
  const hasInclusion = Object.entries(flags).some(([k, v]) => k !== "_id" && Boolean(v));
  if (hasInclusion) for (const k of sliced) flags[k] = 1;
  const base = compileProjection(flags);
  return (doc) => {
    const out = base ? base(doc) : { ...doc };
    for (const step of after) step(out, doc);
    return out;
  };
}
