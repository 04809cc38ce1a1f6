import { Int32, Timestamp } from "bson";
import type { Query } from "mingo/query";
import { mongoError } from "../errors";
import { formatValue } from "../storage/collection";
import { bsonTypeOf } from "./bson-type";
import { compareValues, encodeKey, typeRank } from "./compare";
import { bsonQuery } from "./mingo-options";
import {
  bitwise,
  identicalNumbers,
  numberDebugString,
  numKind,
  promote,
  updateArithmetic,
} from "./number-types";
import { type Doc, isPlainObject } from "./paths";
import { sortDocs } from "./sort";

export interface OperatorContext {
  arrayFilters?: Doc[];
  /** The update's query: the positional `$` resolves against it. */
  query?: Doc;
  /** The whole document, for error messages. */
  root: Doc;
}

type Container = Doc | unknown[];
type Visit = (parent: Container, key: string | number, exists: boolean, path: string) => void;

let timestampCounter = 0;

/**
 * Applies `$set`, `$inc`, `$push`… to `doc` in place. `doc` and the operands hold exact BSON
 * numbers (Int32, Long, Double, Decimal128), so results keep mongod's types. Like mongod, paths
 * are applied in lexicographic order, so new fields are appended in that order.
 */
export function applyOperators(doc: Doc, ops: Doc, ctx: OperatorContext): void {
  const steps: { op: string; path: string; arg: unknown }[] = [];
  for (const [op, fields] of Object.entries(ops)) {
    for (const [path, arg] of Object.entries(fields as Doc)) steps.push({ op, path, arg });
  }
  steps.sort((a, b) => comparePaths(a.path, b.path));
  for (const s of steps) applyOne(doc, s.op, s.path, s.arg, ctx);
}

function comparePaths(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

function typeName(v: unknown): string {
  return v === undefined ? "missing" : (bsonTypeOf(v) ?? typeof v);
}

function isNumber(v: unknown): boolean {
  return typeRank(v) === 3;
}

/** mongod's rendering of a value inside a message (exact numbers shown as plain ones). */
function show(v: unknown): string {
  return formatValue(promote(v));
}

function idOf(ctx: OperatorContext): string {
  return `{_id: ${show(ctx.root._id)}}`;
}

function applyOne(doc: Doc, op: string, path: string, arg: unknown, ctx: OperatorContext): void {
  const create = op !== "$unset" && op !== "$pop" && op !== "$pull" && op !== "$pullAll" && op !== "$rename";
  walk(doc, path.split("."), 0, "", create, ctx, path, (parent, key, exists, fullPath) => {
    const get = () => (parent as Record<string | number, unknown>)[key as never];
    const set = (v: unknown) => setAt(parent, key, v);
    const cur = exists ? get() : undefined;
    switch (op) {
      case "$set":
        set(arg);
        return;
      case "$setOnInsert":
        return;
      case "$unset":
        if (!exists) return;
        if (Array.isArray(parent)) parent[key as number] = null;
        else delete (parent as Doc)[key as string];
        return;
      case "$inc":
      case "$mul": {
        if (!isNumber(arg)) {
          throw mongoError(
            "TypeMismatch",
            `Cannot ${op === "$inc" ? "increment" : "multiply"} with non-numeric argument: {${path}: ${show(arg)}}`,
          );
        }
        if (exists && !isNumber(cur)) {
          throw mongoError(
            "TypeMismatch",
            `Cannot apply ${op} to a value of non-numeric type. ${idOf(ctx)} has the field '${String(key)}' of non-numeric type ${typeName(cur)}`,
          );
        }
        if (!exists) {
          // A new field: the increment itself, or a zero of the multiplier's type.
          set(op === "$inc" ? arg : updateArithmetic("mul", arg, new Int32(0)));
          return;
        }
        const next = updateArithmetic(op === "$inc" ? "add" : "mul", arg, cur);
        if (next === undefined) {
          throw mongoError(
            "BadValue",
            `Failed to apply ${op} operations to current value (${numberDebugString(cur)}) for document ${idOf(ctx)}`,
          );
        }
        if (!identicalNumbers(next, cur)) set(next);
        return;
      }
      case "$min":
      case "$max":
        if (!exists) set(arg);
        else {
          const c = compareValues(arg, cur);
          if ((op === "$min" && c < 0) || (op === "$max" && c > 0)) set(arg);
        }
        return;
      case "$currentDate": {
        const wantTs = isPlainObject(arg) && arg.$type === "timestamp";
        if (isPlainObject(arg) && arg.$type !== "timestamp" && arg.$type !== "date") {
          throw mongoError(
            "BadValue",
            "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
          );
        }
        set(wantTs ? new Timestamp({ t: Math.floor(Date.now() / 1000), i: ++timestampCounter }) : new Date());
        return;
      }
      case "$rename":
        return renameField(doc, parent, key, exists, path, arg, ctx);
      case "$push":
      case "$addToSet": {
        if (exists && !Array.isArray(cur)) {
          throw mongoError(
            "BadValue",
            `The field '${String(key)}' must be an array but is of type ${typeName(cur)} in document ${idOf(ctx)}`,
          );
        }
        const arr = exists ? [...(cur as unknown[])] : [];
        if (op === "$push") set(pushValues(arr, arg));
        else {
          const each = isPlainObject(arg) && "$each" in arg ? arg.$each : [arg];
          if (!Array.isArray(each))
            throw mongoError(
              "TypeMismatch",
              `The argument to $each in $addToSet must be an array but it was of type ${typeName(each)}`,
            );
          const have = new Set(arr.map(encodeKey));
          for (const v of each) {
            const k = encodeKey(v);
            if (!have.has(k)) {
              have.add(k);
              arr.push(v);
            }
          }
          set(arr);
        }
        return;
      }
      case "$pop": {
        if (!exists) return;
        if (!Array.isArray(cur)) {
          throw mongoError(
            "TypeMismatch",
            `Path '${fullPath}' contains an element of non-array type '${typeName(cur)}'`,
          );
        }
        if (arg !== 1 && arg !== -1)
          throw mongoError("FailedToParse", `$pop expects 1 or -1, found: ${show(arg)}`);
        if (cur.length) set(arg === 1 ? cur.slice(0, -1) : cur.slice(1));
        return;
      }
      case "$pull":
      case "$pullAll": {
        if (!exists) return;
        if (!Array.isArray(cur)) {
          throw mongoError("BadValue", "Cannot apply $pull to a non-array value");
        }
        if (op === "$pullAll") {
          if (!Array.isArray(arg))
            throw mongoError(
              "BadValue",
              `$pullAll requires an array argument but was given a ${typeName(arg)}`,
            );
          const drop = new Set(arg.map(encodeKey));
          set(cur.filter((v) => !drop.has(encodeKey(v))));
        } else {
          const matches = pullMatcher(arg);
          set(cur.filter((v) => !matches(v)));
        }
        return;
      }
      case "$bit":
        return applyBit(arg, exists, cur, key, set, ctx);
    }
  });
}

const BIT_FORMAT = "{$bit: {field: {and/or/xor: #}}";

/** `$bit`: int32 and int64 operands and values only; int32 with int32 stays an int32. */
function applyBit(
  arg: unknown,
  exists: boolean,
  cur: unknown,
  key: string | number,
  set: (v: unknown) => void,
  ctx: OperatorContext,
): void {
  if (!isPlainObject(arg)) {
    throw mongoError(
      "BadValue",
      `The $bit modifier is not compatible with a ${typeName(arg)}. You must pass in an embedded document: ${BIT_FORMAT}`,
    );
  }
  const ops = Object.entries(arg);
  for (const [how, n] of ops) {
    if (how !== "and" && how !== "or" && how !== "xor") {
      throw mongoError(
        "BadValue",
        `The $bit modifier only supports 'and', 'or', and 'xor', not '${how}' which is an unknown operator: {${how}: ${show(n)}}`,
      );
    }
    if (numKind(n) !== "int" && numKind(n) !== "long") {
      throw mongoError(
        "BadValue",
        `The $bit modifier field must be an Integer(32/64 bit); a '${typeName(n)}' is not supported here: {${how}: ${show(n)}}`,
      );
    }
  }
  if (ops.length === 0) {
    throw mongoError(
      "BadValue",
      `You must pass in at least one bitwise operation. The format is: ${BIT_FORMAT}`,
    );
  }
  if (exists && numKind(cur) !== "int" && numKind(cur) !== "long") {
    throw mongoError(
      "BadValue",
      `Cannot apply $bit to a value of non-integral type._id: ${show(ctx.root._id)} has the field ${String(key)} of non-integer type ${typeName(cur)}`,
    );
  }
  let v: unknown = exists ? cur : new Int32(0);
  for (const [how, n] of ops) v = bitwise(how as "and" | "or" | "xor", v, n);
  if (!exists || !identicalNumbers(v, cur)) set(v);
}

function setAt(parent: Container, key: string | number, v: unknown): void {
  if (Array.isArray(parent)) {
    const i = key as number;
    while (parent.length < i) parent.push(null);
    parent[i] = v;
  } else parent[key as string] = v;
}

function pushValues(arr: unknown[], arg: unknown): unknown[] {
  if (!(isPlainObject(arg) && "$each" in arg)) {
    arr.push(arg);
    return arr;
  }
  const each = arg.$each;
  if (!Array.isArray(each)) {
    throw mongoError(
      "BadValue",
      `The argument to $each in $push must be an array but it was of type: ${typeName(each)}`,
    );
  }
  for (const k of Object.keys(arg)) {
    if (!["$each", "$slice", "$sort", "$position"].includes(k)) {
      throw mongoError("BadValue", `Unrecognized clause in $push: ${k}`);
    }
  }
  let out = arr;
  if (arg.$position !== undefined) {
    let p = Number(arg.$position);
    if (p < 0) p = Math.max(0, out.length + p);
    out.splice(Math.min(p, out.length), 0, ...each);
  } else out.push(...each);
  if (arg.$sort !== undefined) {
    const s = arg.$sort;
    if (s === 1 || s === -1) {
      out = [...out].sort((a, b) => compareValues(a, b) * (s as number));
    } else if (isPlainObject(s)) {
      const spec = Object.entries(s) as [string, 1 | -1][];
      out = sortDocs([...out] as Doc[], spec);
    } else
      throw mongoError(
        "BadValue",
        "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields",
      );
  }
  if (arg.$slice !== undefined) {
    const n = Number(arg.$slice);
    out = n >= 0 ? out.slice(0, n) : out.slice(Math.max(0, out.length + n));
  }
  return out;
}

function pullMatcher(cond: unknown): (v: unknown) => boolean {
  if (isPlainObject(cond)) {
    const keys = Object.keys(cond);
    if (keys.length && keys.every((k) => k.startsWith("$"))) {
      // Operators apply to the element itself ({$gte: 5}, {$in: [...]}).
      const q = bsonQuery({ v: cond });
      return (v) => q.test({ v });
    }
    const q = bsonQuery(cond);
    return (v) => isPlainObject(v) && q.test(v);
  }
  const k = encodeKey(cond);
  return (v) => encodeKey(v) === k;
}

function renameField(
  doc: Doc,
  parent: Container,
  key: string | number,
  exists: boolean,
  path: string,
  target: unknown,
  ctx: OperatorContext,
): void {
  if (typeof target !== "string" || target === "") {
    throw mongoError("BadValue", `The 'to' field for $rename must be a string: ${path}: ${show(target)}`);
  }
  if (Array.isArray(parent))
    throw mongoError(
      "BadValue",
      `The source field cannot be an array element, '${path}' in doc with _id: ${show(ctx.root._id)} has an array field called '${path.split(".").slice(-2)[0]}'`,
    );
  if (!exists) return;
  const value = (parent as Doc)[key as string];
  delete (parent as Doc)[key as string];
  walk(doc, target.split("."), 0, "", true, ctx, target, (p, k) => setAt(p, k, value));
}

export function positionalIndex(
  arr: unknown[],
  prefix: string,
  ctx: Pick<OperatorContext, "query">,
  path: string,
): number {
  const query = ctx.query ?? {};
  const relevant: Doc = {};
  for (const [k, v] of Object.entries(query)) {
    if (k === prefix || k.startsWith(`${prefix}.`)) relevant[k] = v;
  }
  if (Object.keys(relevant).length) {
    const q = bsonQuery(relevant);
    for (let i = 0; i < arr.length; i++) {
      const probe: Doc = {};
      setNested(probe, prefix, [arr[i]]);
      if (q.test(probe)) return i;
    }
  }
  throw mongoError("BadValue", `The positional operator did not find the match needed from the query.`, {
    path,
  });
}

function setNested(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    node[parts[i]!] = {};
    node = node[parts[i]!] as Doc;
  }
  node[parts[parts.length - 1]!] = value;
}

const filterCache = new WeakMap<Doc[], Map<string, { field: string; q: Query }>>();

function arrayFilterFor(id: string, ctx: OperatorContext, path: string): (v: unknown) => boolean {
  const filters = ctx.arrayFilters ?? [];
  let byId = filterCache.get(filters);
  if (!byId) {
    byId = new Map();
    for (const f of filters) {
      const first = Object.keys(f)[0] ?? "";
      const ident = first.split(".")[0]!;
      byId.set(ident, { field: ident, q: bsonQuery(f) });
    }
    filterCache.set(filters, byId);
  }
  const entry = byId.get(id);
  if (!entry) throw mongoError("BadValue", `No array filter found for identifier '${id}' in path '${path}'`);
  return (v) => entry.q.test({ [entry.field]: v });
}

/** Visits every target a (possibly positional) path names, creating parents when `create`. */
function walk(
  node: unknown,
  parts: string[],
  i: number,
  prefix: string,
  create: boolean,
  ctx: OperatorContext,
  fullPath: string,
  visit: Visit,
): void {
  const part = parts[i]!;
  const last = i === parts.length - 1;
  const here = prefix ? `${prefix}.${part}` : part;
  if (Array.isArray(node)) {
    let indexes: number[];
    if (part === "$") indexes = [positionalIndex(node, prefix, ctx, fullPath)];
    else if (part === "$[]") indexes = node.map((_, j) => j);
    else if (part.startsWith("$[") && part.endsWith("]")) {
      const test = arrayFilterFor(part.slice(2, -1), ctx, fullPath);
      indexes = node.flatMap((v, j) => (test(v) ? [j] : []));
    } else if (/^\d+$/.test(part)) indexes = [Number(part)];
    else {
      if (!create) return;
      throw mongoError(
        "PathNotViable",
        `Cannot create field '${part}' in element {${parts[i - 1] ?? ""}: ${show(node)}}`,
      );
    }
    for (const j of indexes) {
      const exists = j < node.length;
      if (last) visit(node, j, exists, here);
      else descend(node, j, parts, i, here, create, ctx, fullPath, visit);
    }
    return;
  }
  if (part.startsWith("$")) {
    if (part === "$" || part.startsWith("$[")) {
      if (part.startsWith("$[") && part !== "$[]") arrayFilterFor(part.slice(2, -1), ctx, fullPath);
      if (!create) return;
      throw mongoError(
        "BadValue",
        `The path '${prefix}' must exist in the document in order to apply array updates.`,
      );
    }
  }
  const obj = node as Doc;
  const exists = Object.hasOwn(obj, part);
  if (last) visit(obj, part, exists, here);
  else descend(obj, part, parts, i, here, create, ctx, fullPath, visit);
}

function descend(
  parent: Container,
  key: string | number,
  parts: string[],
  i: number,
  here: string,
  create: boolean,
  ctx: OperatorContext,
  fullPath: string,
  visit: Visit,
): void {
  const p = parent as Record<string | number, unknown>;
  let child = p[key as never];
  if (child === undefined || (child === null && Array.isArray(parent) && create)) {
    if (!create) return;
    // Validate identifiers deeper in the path before creating anything.
    for (const rest of parts.slice(i + 1)) {
      if (rest.startsWith("$[") && rest !== "$[]") arrayFilterFor(rest.slice(2, -1), ctx, fullPath);
    }
    child = {};
    setAt(parent, key, child);
  } else if (
    child === null ||
    typeof child !== "object" ||
    (typeRank(child) !== 5 && !Array.isArray(child))
  ) {
    if (!create) return;
    throw mongoError(
      "PathNotViable",
      `Cannot create field '${parts[i + 1]}' in element {${String(key)}: ${show(child)}}`,
    );
  }
  walk(child, parts, i + 1, here, create, ctx, fullPath, visit);
}
