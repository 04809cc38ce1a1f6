import type { Document } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { RAW_BSON } from "../storage/bson-doc-map";

const EMBEDDED_DOCUMENT = 0x03;
const ARRAY = 0x04;

function rawOf(doc: unknown): Buffer | undefined {
  return doc !== null && typeof doc === "object" ? (doc as { [RAW_BSON]?: Buffer })[RAW_BSON] : undefined;
}

function element(type: number, name: string, value: Buffer): Buffer[] {
  return [Buffer.from([type]), Buffer.from(`${name}\0`, "utf8"), value];
}

/** The elements of a serialized document, without its length prefix and terminator. */
function elementsOf(doc: Document): Buffer {
  const bytes = serializeToBuffer(doc);
  return bytes.subarray(4, bytes.length - 1);
}

function documentOf(parts: Buffer[]): Buffer {
  const size = 4 + parts.reduce((n, b) => n + b.length, 0) + 1;
  const head = Buffer.alloc(4);
  head.writeInt32LE(size, 0);
  return Buffer.concat([head, ...parts, Buffer.alloc(1)]);
}

/**
 * Serializes a reply. A cursor batch of stored documents is spliced in as their stored bytes,
 * so find returns exactly what was inserted (Int32 vs Long vs Double) without re-encoding.
 */
export function encodeReply(reply: Document): Buffer {
  const cursor = reply.cursor as Document | undefined;
  const key =
    cursor &&
    (Array.isArray(cursor.firstBatch)
      ? "firstBatch"
      : Array.isArray(cursor.nextBatch)
        ? "nextBatch"
        : undefined);
  if (!cursor || !key || !(cursor[key] as unknown[]).some((d) => rawOf(d))) return serializeToBuffer(reply);
  const { [key]: batch, ...cursorRest } = cursor;
  const items = (batch as Document[]).flatMap((d, i) =>
    element(EMBEDDED_DOCUMENT, String(i), rawOf(d) ?? serializeToBuffer(d)),
  );
  const cursorDoc = documentOf([...element(ARRAY, key, documentOf(items)), elementsOf(cursorRest)]);
  const { cursor: _, ...rest } = reply;
  return documentOf([...element(EMBEDDED_DOCUMENT, "cursor", cursorDoc), elementsOf(rest)]);
}
