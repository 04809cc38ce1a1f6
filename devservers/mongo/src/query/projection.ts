import { mongoError, toServerError } from "../errors";
import { bytesProjector, type Tree } from "./bson-projection";
import { needsExactTypes } from "./bson-type";
import { compileFilter } from "./filter";
import { bsonAggregator } from "./mingo-options";
import { linkTwins, promote } from "./number-types";
import { type Doc, isPlainObject } from "./paths";
import { runTypedPipeline } from "./typed-pipeline";
import { positionalIndex } from "./update-operators";

export interface Projector {
  /**
   * Plain inclusion/exclusion only: the projection of a stored document's bytes, copied as stored
   * (no decoding, exact number types). Undefined from the call when the bytes hold a type it cannot
   * walk; the caller then projects the exact form.
   */
  bytes?: (stored: Buffer) => Buffer | undefined;
  /**
   * The projection of a document's exact form (Int32/Long/Double values as stored), with mongod's
   * number types: copied values keep theirs, computed ones are typed like its aggregation.
   * `promoted` is the same document decoded with JS numbers, when the caller has it at hand.
   */
  exact: (exact: Doc, promoted?: Doc) => Doc;
}

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
  // Only _id named: an inclusion of it alone, or an exclusion of it alone.
  inclusion ??= includeId;
  if (inclusion === includeId) tree._id = true;
  const picks = inclusion;
  return {
    bytes: bytesProjector(tree, picks),
    exact: (doc) => (picks ? pick(doc, tree, true) : omit(doc, tree)),
  };
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

function pick(doc: Doc, tree: Tree, top = false): Doc {
  const out: Doc = {};
  const idFirst = top && tree._id === true && "_id" in doc;
  if (idFirst) out._id = doc._id;
  for (const [k, v] of Object.entries(doc)) {
    if (k === "_id" && idFirst) continue;
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
    out[k] = sub === undefined ? v : omitIn(v, sub);
  }
  return out;
}

/** find recurses into nested arrays (mongod's `kRecurseNestedArrays`). */
function omitIn(v: unknown, tree: Tree): unknown {
  if (isPlainObject(v)) return omit(v, tree);
  if (Array.isArray(v)) return v.map((el) => omitIn(el, tree));
  return v;
}

/** Computed projections: mingo's `$project`, typed like mongod's aggregation output. */
function viaMingo(projection: Doc): Projector {
  const stage = { $project: projection };
  try {
    bsonAggregator([stage]);
  } catch (err) {
    throw toServerError(err);
  }
  return {
    exact: (doc) => {
      try {
        return idFirst(runTypedPipeline(doc, [stage]));
      } catch (err) {
        throw toServerError(err);
      }
    },
  };
}

export function idFirst(doc: Doc): Doc {
  if (!("_id" in doc) || Object.keys(doc)[0] === "_id") return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * find's own projection operators: `$slice`, `$elemMatch` and the positional `field.$`.
 * `$elemMatch` and `field.$` count as inclusions; `$slice` alone keeps every other field.
 * They pick elements, so the output is built from the exact form; the matching that decides which
 * element runs on the promoted form (linked to the exact one for `$type`).
 */
function withFindOperators(entries: [string, unknown][], query: Doc): Projector {
  const flags: Doc = {};
  type Step = (out: Doc, promoted: Doc, exact: Doc) => void;
  const after: Step[] = [];
  for (const [field, v] of entries) {
    if (field.endsWith(".$")) {
      const base = field.slice(0, -2);
      flags[base] = 1;
      after.push((out, promoted) => {
        const arr = out[base];
        const plain = promoted[base];
        if (!Array.isArray(arr) || !Array.isArray(plain)) return;
        const i = positionalIndex(plain, base, { query }, field);
        out[base] = [arr[i]];
      });
    } else if (isPlainObject(v) && "$elemMatch" in v) {
      flags[field] = 1;
      // The find filter's matcher: numbers of every type by value, `$type` on the stored types.
      const filter = { [field]: { $elemMatch: v.$elemMatch } };
      const matcher = compileFilter(filter);
      const exactTypes = needsExactTypes(filter);
      after.push((out, promoted, exact) => {
        const arr = out[field];
        const plain = promoted[field];
        if (!Array.isArray(arr) || !Array.isArray(plain)) return;
        const stored = exactTypes ? exact[field] : undefined;
        const hit = plain.findIndex((el, i) => {
          const probe = { [field]: [el] };
          if (Array.isArray(stored)) linkTwins(probe, { [field]: [stored[i]] });
          return matcher.test(probe);
        });
        // mongod returns it after the other included fields, whatever the stored order.
        delete out[field];
        if (hit >= 0) out[field] = [arr[hit]];
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
  return {
    exact: (exact, promoted) => {
      let plain = promoted;
      if (!plain) {
        plain = promote(exact);
        linkTwins(plain, exact);
      }
      const out = base ? base.exact(exact) : { ...exact };
      for (const step of after) step(out, plain, exact);
      return out;
    },
  };
}
