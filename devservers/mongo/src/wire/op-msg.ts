import { type Document, deserialize } from "bson";
import { serializeToBuffer } from "../bson-buffer";
import { MSG_CHECKSUM_PRESENT, MSG_MORE_TO_COME } from "./opcodes";

export const DESERIALIZE_OPTIONS = {
  promoteLongs: true,
  promoteValues: true,
  promoteBuffers: false,
} as const;

export interface OpMsgRequest {
  flags: number;
  /** The kind-0 body with kind-1 document sequences merged in as arrays (`documents`, `updates`…). */
  command: Document;
  moreToCome: boolean;
}

export function parseOpMsg(body: Buffer): OpMsgRequest {
  const flags = body.readUInt32LE(0);
  const end = flags & MSG_CHECKSUM_PRESENT ? body.length - 4 : body.length;
  let offset = 4;
  let command: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = body[offset++];
    if (kind === 0) {
      const size = body.readInt32LE(offset);
      command = deserialize(body.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
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
        docs.push(deserialize(body.subarray(p, p + docSize), DESERIALIZE_OPTIONS));
        p += docSize;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new Error("OP_MSG without a body section");
  for (const [identifier, docs] of sequences) {
    const existing = command[identifier];
    command[identifier] = Array.isArray(existing) ? [...existing, ...docs] : docs;
  }
  return { flags, command, moreToCome: (flags & MSG_MORE_TO_COME) !== 0 };
}

export function encodeOpMsg(reply: Document): Buffer[] {
  const flags = Buffer.alloc(5); // flags 0, then section kind 0
  return [flags, serializeToBuffer(reply)];
}
