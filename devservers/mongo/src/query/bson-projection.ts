import { findElement, valueSize } from "../bson-walk";

/** Projected paths: `true` where a whole field is named, a subtree under a dotted path's prefix. */
export type Tree = { [field: string]: Tree | true };

/** A `Tree` with its field names as bytes, compared against element names without decoding them. */
interface ByteTree {
  names: Buffer[];
  subs: (ByteTree | true)[];
}

const DOCUMENT = 0x03;
const ARRAY = 0x04;
const ID = Buffer.from("_id", "utf8");
/** Scratch space for one projected document, kept between calls up to this size. */
const MAX_SCRATCH = 1024 * 1024;
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Plain inclusion/exclusion projected on a stored document's bytes: the kept elements are copied
 * as they are (numbers keep their stored BSON type, nothing is decoded), in the stored order with
 * `_id` first. Arrays under a dotted path are projected element-wise like mongod's find (nested
 * arrays too; an inclusion drops their scalars). Undefined when a value of a type the walker cannot
 * size is in the way, so the caller falls back to the decoded document.
 */
export function bytesProjector(tree: Tree, inclusion: boolean): (bytes: Buffer) => Buffer | undefined {
  const root = byteTree(tree);
  const idFirst = inclusion && tree._id === true;
  return (bytes) => {
    let dst = scratch;
    if (bytes.length > dst.length) {
      dst = Buffer.allocUnsafe(bytes.length);
      if (bytes.length <= MAX_SCRATCH) scratch = dst;
    }
    let at = 4;
    let skip = -1;
    if (idFirst) {
      const id = findElement(bytes, ID);
      if (id === -2) return undefined;
      if (id > 4) {
        // Stored after other fields: moved to the front, where mongod puts it.
        const end = elementEnd(bytes, id);
        if (end < 0) return undefined;
        at += bytes.copy(dst, at, id, end);
        skip = id;
      }
    }
    const end = writeDocument(bytes, 0, root, inclusion, dst, 0, at, skip);
    if (end < 0) return undefined;
    const out = Buffer.allocUnsafe(end);
    dst.copy(out, 0, 0, end);
    return out;
  };
}

function byteTree(tree: Tree): ByteTree {
  const names: Buffer[] = [];
  const subs: (ByteTree | true)[] = [];
  for (const [k, v] of Object.entries(tree)) {
    names.push(Buffer.from(k, "utf8"));
    subs.push(v === true ? true : byteTree(v));
  }
  return { names, subs };
}

function child(node: ByteTree, src: Buffer, from: number, to: number): ByteTree | true | undefined {
  const n = to - from;
  const { names } = node;
  outer: for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name.length !== n) continue;
    for (let j = 0; j < n; j++) if (src[from + j] !== name[j]) continue outer;
    return node.subs[i];
  }
  return undefined;
}

function elementEnd(src: Buffer, p: number): number {
  let q = p + 1;
  while (src[q] !== 0) q++;
  const size = valueSize(src, src[p]!, q + 1);
  return size < 0 ? -1 : q + 1 + size;
}

/**
 * Writes the projection of the document at `src[start]` to `dst` at `docAt`, its elements from
 * `at` (past its length and anything already written there); the element at `skip` is left out. Runs of kept
 * elements are copied at once. Returns the end of the written document, -1 on an unknown type.
 */
function writeDocument(
  src: Buffer,
  start: number,
  node: ByteTree,
  inclusion: boolean,
  dst: Buffer,
  docAt: number,
  at: number,
  skip = -1,
): number {
  const end = start + src.readInt32LE(start) - 1;
  let p = start + 4;
  let run = -1;
  while (p < end) {
    const type = src[p]!;
    const nameAt = p + 1;
    let q = nameAt;
    while (src[q] !== 0) q++;
    const size = valueSize(src, type, q + 1);
    if (size < 0) return -1;
    const next = q + 1 + size;
    const sub = p === skip ? undefined : child(node, src, nameAt, q);
    const keep = p !== skip && (sub === undefined ? !inclusion : sub === true ? inclusion : false);
    if (keep) {
      if (run < 0) run = p;
    } else {
      if (run >= 0) at += src.copy(dst, at, run, p);
      run = -1;
      if (sub !== undefined && sub !== true) {
        if (type === DOCUMENT || type === ARRAY) {
          at += src.copy(dst, at, p, q + 1); // type, name, NUL
          at =
            type === DOCUMENT
              ? writeDocument(src, q + 1, sub, inclusion, dst, at, at + 4)
              : writeArray(src, q + 1, sub, inclusion, dst, at);
          if (at < 0) return -1;
        } else if (!inclusion) {
          // A dotted exclusion under a scalar leaves the scalar alone.
          at += src.copy(dst, at, p, next);
        }
      }
    }
    p = next;
  }
  if (run >= 0) at += src.copy(dst, at, run, end);
  dst[at++] = 0;
  dst.writeInt32LE(at - docAt, docAt);
  return at;
}

/** An array under a dotted path: documents and nested arrays projected, scalars dropped by an inclusion. */
function writeArray(
  src: Buffer,
  start: number,
  node: ByteTree,
  inclusion: boolean,
  dst: Buffer,
  docAt: number,
): number {
  let at = docAt + 4;
  const end = start + src.readInt32LE(start) - 1;
  let p = start + 4;
  let index = 0;
  while (p < end) {
    const type = src[p]!;
    let q = p + 1;
    while (src[q] !== 0) q++;
    const size = valueSize(src, type, q + 1);
    if (size < 0) return -1;
    const next = q + 1 + size;
    if (type === DOCUMENT || type === ARRAY) {
      dst[at++] = type;
      at = writeIndex(dst, at, index++);
      at =
        type === DOCUMENT
          ? writeDocument(src, q + 1, node, inclusion, dst, at, at + 4)
          : writeArray(src, q + 1, node, inclusion, dst, at);
      if (at < 0) return -1;
    } else if (!inclusion) {
      dst[at++] = type;
      at = writeIndex(dst, at, index++);
      at += src.copy(dst, at, q + 1, next);
    }
    p = next;
  }
  dst[at++] = 0;
  dst.writeInt32LE(at - docAt, docAt);
  return at;
}

/** An array element's name: the decimal index and a NUL. */
function writeIndex(dst: Buffer, at: number, i: number): number {
  if (i < 10) dst[at++] = 0x30 + i;
  else at += dst.write(String(i), at, "latin1");
  dst[at++] = 0;
  return at;
}
