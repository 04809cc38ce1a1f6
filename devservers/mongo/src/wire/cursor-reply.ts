import type { Document } from "bson";
import { Long } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { RAW_BSON } from "../storage/bson-doc-map";
import { HEADER_SIZE, OP_MSG } from "./opcodes";

/**
 * The whole OP_MSG frame of a cursor reply, `{cursor: {firstBatch|nextBatch: [...], id, ns}, ok: 1}`,
 * written straight into one buffer: the stored documents' bytes are copied once, and nothing else
 * is allocated per reply. Finds are the commonest request, so this keeps the server's garbage (and
 * with it its GC pauses, which land on some unlucky request) small. Any other shape: undefined,
 * and the generic encoder takes it.
 */
export function encodeCursorReplyFrame(
  requestId: number,
  responseTo: number,
  reply: Document,
): Buffer | undefined {
  const cursor = reply.cursor as Document | undefined;
  if (!cursor || reply.ok !== 1 || !onlyKeys(reply, 2)) return undefined;
  const batchKey = Array.isArray(cursor.firstBatch)
    ? FIRST
    : Array.isArray(cursor.nextBatch)
      ? NEXT
      : undefined;
  if (!batchKey || !(cursor.id instanceof Long) || typeof cursor.ns !== "string" || !onlyKeys(cursor, 3)) {
    return undefined;
  }
  const batch = (batchKey === FIRST ? cursor.firstBatch : cursor.nextBatch) as Document[];
  const items: Buffer[] = new Array(batch.length);
  let arraySize = 5;
  for (let i = 0; i < batch.length; i++) {
    const d = batch[i]!;
    const bytes = (d as { [RAW_BSON]?: Buffer })[RAW_BSON] ?? serializeToBuffer(d);
    items[i] = bytes;
    arraySize += 1 + indexLength(i) + 1 + bytes.length;
  }
  const nsLength = Buffer.byteLength(cursor.ns, "utf8");
  const cursorSize = 4 + batchKey.length + arraySize + ID.length + 8 + NS.length + 4 + nsLength + 1 + 1;
  const replySize = 4 + CURSOR.length + cursorSize + OK.length + 8 + 1;
  const size = HEADER_SIZE + 5 + replySize;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(0, 16); // flags
  out[20] = 0; // section kind 0: the body
  let at = 21;
  at = out.writeInt32LE(replySize, at);
  at += CURSOR.copy(out, at);
  at = out.writeInt32LE(cursorSize, at);
  at += batchKey.copy(out, at);
  at = out.writeInt32LE(arraySize, at);
  for (let i = 0; i < items.length; i++) {
    out[at++] = 0x03;
    at += out.write(String(i), at, "latin1");
    out[at++] = 0;
    at += items[i]!.copy(out, at);
  }
  out[at++] = 0; // end of the array
  at += ID.copy(out, at);
  at = out.writeInt32LE(cursor.id.low, at);
  at = out.writeInt32LE(cursor.id.high, at);
  at += NS.copy(out, at);
  at = out.writeInt32LE(nsLength + 1, at);
  at += out.write(cursor.ns, at, "utf8");
  out[at++] = 0;
  out[at++] = 0; // end of cursor
  at += OK.copy(out, at);
  at = out.writeDoubleLE(1, at);
  out[at++] = 0; // end of the reply
  return out;
}

/** Element type byte + name + NUL, the same in every reply. */
const element = (type: number, name: string) =>
  Buffer.from(`${String.fromCharCode(type)}${name}\0`, "latin1");
const CURSOR = element(0x03, "cursor");
const FIRST = element(0x04, "firstBatch");
const NEXT = element(0x04, "nextBatch");
const ID = element(0x12, "id");
const NS = element(0x02, "ns");
const OK = element(0x01, "ok");

function indexLength(i: number): number {
  return i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : String(i).length;
}

function onlyKeys(doc: Document, n: number): boolean {
  let count = 0;
  for (const _ in doc) count++;
  return count === n;
}
