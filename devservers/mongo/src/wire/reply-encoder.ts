import type { Document } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { RAW_BSON } from "../storage/bson-doc-map";

const EMBEDDED_DOCUMENT = 0x03;
const ARRAY = 0x04;

function rawOf(doc: unknown): Buffer | undefined {
  return doc !== null && typeof doc === "object" ? (doc as { [RAW_BSON]?: Buffer })[RAW_BSON] : undefined;
}

const ZERO = Buffer.alloc(1);

/** Element headers (`type`, name, NUL) of array items, which are the same in every reply. */
const itemHeaders: Buffer[] = [];

function itemHeader(i: number): Buffer {
  if (i < 1024) {
    itemHeaders[i] ??= Buffer.from(`\x03${i}\0`, "latin1");
    return itemHeaders[i]!;
  }
  return Buffer.from(`\x03${i}\0`, "latin1");
}

function header(type: number, name: string): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, "utf8");
  const out = Buffer.allocUnsafe(1 + nameBytes.length);
  out[0] = type;
  nameBytes.copy(out, 1);
  return out;
}

/** The elements of a serialized document, without its length prefix and terminator. */
function elementsOf(doc: Document): Buffer {
  const bytes = serializeToBuffer(doc);
  return bytes.subarray(4, bytes.length - 1);
}

/** A document made of `parts` (its elements), as a list of buffers to be copied once at the end. */
function documentOf(parts: Buffer[]): Buffer[] {
  let size = 5;
  for (const p of parts) size += p.length;
  const head = Buffer.allocUnsafe(4);
  head.writeInt32LE(size, 0);
  parts.unshift(head);
  parts.push(ZERO);
  return parts;
}

/**
 * Serializes a reply as buffers to be concatenated once (into the wire frame). A cursor batch of
 * stored documents is spliced in as their stored bytes, so find returns exactly what was
 * inserted (Int32 vs Long vs Double) without re-encoding or intermediate copies.
 */
export function encodeReply(reply: Document): Buffer[] {
  const cursor = reply.cursor as Document | undefined;
  const key =
    cursor &&
    (Array.isArray(cursor.firstBatch)
      ? "firstBatch"
      : Array.isArray(cursor.nextBatch)
        ? "nextBatch"
        : undefined);
  if (!cursor || !key || !(cursor[key] as unknown[]).some((d) => rawOf(d))) return [serializeToBuffer(reply)];
  const { [key]: batch, ...cursorRest } = cursor;
  const items: Buffer[] = [];
  (batch as Document[]).forEach((d, i) => {
    items.push(itemHeader(i), rawOf(d) ?? serializeToBuffer(d));
  });
  const array = documentOf(items);
  const cursorDoc = documentOf([header(ARRAY, key), ...array, elementsOf(cursorRest)]);
  const { cursor: _, ...rest } = reply;
  return documentOf([header(EMBEDDED_DOCUMENT, "cursor"), ...cursorDoc, elementsOf(rest)]);
}
