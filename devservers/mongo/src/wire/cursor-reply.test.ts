import { Double, deserialize, Long, serialize } from "bson";
import { describe, expect, it } from "vitest";
import { decode, rawDoc } from "../storage/bson-doc-map";
import { encodeCursorReplyFrame } from "./cursor-reply";
import { frame } from "./framing";
import { OP_MSG } from "./opcodes";

const stored = (doc: object) => Buffer.from(serialize(doc));

/** What the generic path sends: the reply serialized by `bson`, in an OP_MSG frame. */
function viaBson(requestId: number, responseTo: number, reply: object): Buffer {
  return frame(requestId, responseTo, OP_MSG, [Buffer.alloc(5), Buffer.from(serialize(reply))]);
}

describe("encodeCursorReplyFrame", () => {
  it("writes the same bytes as serializing the reply, splicing stored documents in", () => {
    const docs = Array.from({ length: 12 }, (_, i) => ({ _id: i, name: `n${i}`, nested: { a: [i] } }));
    const batch = docs.map((d, i) => (i % 2 ? rawDoc(stored(d)) : decode(stored(d))));
    const id = Long.fromString("9007199254740993");
    const out = encodeCursorReplyFrame(7, 42, { cursor: { firstBatch: batch, id, ns: "db.cöll" }, ok: 1 });
    expect(out).toEqual(
      viaBson(7, 42, { cursor: { firstBatch: docs, id, ns: "db.cöll" }, ok: new Double(1) }),
    );
  });

  it("keeps the stored number types and serializes documents that have no stored bytes", () => {
    const exact = stored({ _id: 1, n: new Long(5), d: new Double(2) });
    const batch = [rawDoc(exact), { _id: 2, computed: true }];
    const out = encodeCursorReplyFrame(1, 2, {
      cursor: { nextBatch: batch, id: Long.ZERO, ns: "a.b" },
      ok: 1,
    });
    const reply = deserialize(out!.subarray(21), { promoteValues: false });
    expect(reply.cursor.nextBatch[0].n).toBeInstanceOf(Long);
    expect(reply.cursor.nextBatch[0].d).toBeInstanceOf(Double);
    expect(reply.cursor.nextBatch[1]).toMatchObject({ computed: true });
    expect(out!.readInt32LE(0)).toBe(out!.length);
  });

  it("leaves any other reply shape to the generic encoder", () => {
    const cursor = { firstBatch: [], id: Long.ZERO, ns: "a.b" };
    expect(encodeCursorReplyFrame(1, 2, { ok: 1 })).toBeUndefined();
    expect(encodeCursorReplyFrame(1, 2, { cursor, ok: 0 })).toBeUndefined();
    expect(encodeCursorReplyFrame(1, 2, { cursor, ok: 1, extra: true })).toBeUndefined();
    expect(encodeCursorReplyFrame(1, 2, { cursor: { ...cursor, atClusterTime: 1 }, ok: 1 })).toBeUndefined();
  });
});
