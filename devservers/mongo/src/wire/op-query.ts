import { type Document, deserialize } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { DESERIALIZE_OPTIONS } from "./op-msg";

export interface OpQueryRequest {
  fullCollectionName: string;
  query: Document;
}

/** Only the legacy handshake (`admin.$cmd` isMaster/hello) arrives as OP_QUERY nowadays. */
export function parseOpQuery(body: Buffer): OpQueryRequest {
  let offset = 4; // flags
  const nul = body.indexOf(0, offset);
  const fullCollectionName = body.toString("utf8", offset, nul);
  offset = nul + 1 + 8; // numberToSkip, numberToReturn
  const size = body.readInt32LE(offset);
  let query = deserialize(body.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
  // Drivers may wrap the command as {$query: {...}, $readPreference: ...}.
  if (query.$query && typeof query.$query === "object") query = query.$query as Document;
  return { fullCollectionName, query };
}

export function encodeOpReply(doc: Document): Buffer[] {
  const head = Buffer.alloc(20);
  head.writeInt32LE(0, 0); // responseFlags
  head.writeBigInt64LE(0n, 4); // cursorID
  head.writeInt32LE(0, 12); // startingFrom
  head.writeInt32LE(1, 16); // numberReturned
  return [head, serializeToBuffer(doc)];
}
