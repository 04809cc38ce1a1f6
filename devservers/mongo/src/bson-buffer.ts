import { type Document, serialize } from "bson";

/** `bson.serialize` returns a Uint8Array; sockets and files want a Buffer over the same memory. */
export function serializeToBuffer(doc: Document): Buffer {
  const bytes = serialize(doc);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
