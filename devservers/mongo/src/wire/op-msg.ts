import { type Document, deserialize } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { arrayOfDocuments } from "../bson-walk";
import { MSG_CHECKSUM_PRESENT, MSG_MORE_TO_COME } from "./opcodes";

export const DESERIALIZE_OPTIONS = {
  promoteLongs: true,
  promoteValues: true,
  promoteBuffers: false,
} as const;
/** Keeps Int32/Long/Double wrappers, for documents that must be re-encoded with their exact types. */
const EXACT_OPTIONS = { promoteLongs: false, promoteValues: false, promoteBuffers: false } as const;

const DOCUMENTS = Buffer.from("documents", "utf8");

export interface OpMsgRequest {
  flags: number;
  /** The kind-0 body with kind-1 document sequences merged in as arrays (`documents`, `updates`…). */
  command: Document;
  /** For `insert`: each document's BSON bytes exactly as sent (number types included). */
  insertBytes?: Buffer[];
  /** For `update` and `findAndModify`: the request's bytes, so operands keep their exact types. */
  exactBytes?: ExactCommandBytes;
  moreToCome: boolean;
}

/** A command's kind-0 body and its kind-1 `updates` documents, as sent (subarrays, no copies). */
export interface ExactCommandBytes {
  body: Buffer;
  updates: Buffer[];
}

export function parseOpMsg(body: Buffer): OpMsgRequest {
  const flags = body.readUInt32LE(0);
  const end = flags & MSG_CHECKSUM_PRESENT ? body.length - 4 : body.length;
  let offset = 4;
  let command: Document | undefined;
  let body0: Buffer | undefined;
  const sequences: [string, Document[]][] = [];
  const sequenceBytes: Buffer[] = [];
  const updateBytes: Buffer[] = [];
  while (offset < end) {
    const kind = body[offset++];
    if (kind === 0) {
      const size = body.readInt32LE(offset);
      body0 = body.subarray(offset, offset + size);
      command = deserialize(body0, DESERIALIZE_OPTIONS);
      offset += size;
    } else if (kind === 1) {
      const size = body.readInt32LE(offset);
      const sectionEnd = offset + size;
      let p = offset + 4;
      const nul = body.indexOf(0, p);
      const identifier = body.toString("utf8", p, nul);
      p = nul + 1;
      const docs: Document[] = [];
      while (p < sectionEnd) {
        const docSize = body.readInt32LE(p);
        const bytes = body.subarray(p, p + docSize);
        docs.push(deserialize(bytes, DESERIALIZE_OPTIONS));
        if (identifier === "documents") sequenceBytes.push(bytes);
        else if (identifier === "updates") updateBytes.push(bytes);
        p += docSize;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command || !body0) throw new Error("OP_MSG without a body section");
  let insertBytes: Buffer[] | undefined;
  let exactBytes: ExactCommandBytes | undefined;
  const name = Object.keys(command)[0];
  if (name === "update" || name === "findAndModify" || name === "findandmodify") {
    exactBytes = { body: body0, updates: updateBytes };
  } else if (name === "insert") {
    let inBody: Buffer[] = [];
    if (Array.isArray(command.documents)) {
      // Sliced from the request as sent; re-encoded from the exact form only if that fails.
      inBody =
        arrayOfDocuments(body0, DOCUMENTS) ??
        (deserialize(body0, EXACT_OPTIONS).documents as Document[]).map((d) => serializeToBuffer(d));
    }
    insertBytes = [...inBody, ...sequenceBytes];
  }
  for (const [identifier, docs] of sequences) {
    const existing = command[identifier];
    command[identifier] = Array.isArray(existing) ? [...existing, ...docs] : docs;
  }
  return { flags, command, insertBytes, exactBytes, moreToCome: (flags & MSG_MORE_TO_COME) !== 0 };
}

const FLAGS_AND_KIND0 = Buffer.alloc(5); // flags 0, then section kind 0

/**
 * Any reply but a cursor batch: those (the only replies carrying stored documents as bytes-only
 * stand-ins) are all written by `encodeCursorReplyFrame`.
 */
export function encodeOpMsg(reply: Document): Buffer[] {
  return [FLAGS_AND_KIND0, serializeToBuffer(reply)];
}
