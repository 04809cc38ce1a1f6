/**
 * Wire-protocol behaviour the driver depends on beyond plain request/response: the legacy OP_QUERY
 * handshake, fire-and-forget writes (OP_MSG moreToCome, w: 0) and compression negotiation.
 */
import { connect as tcpConnect } from "node:net";
import { BSON, MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { type AnyDoc, setupMongo } from "./support";

const mongo = setupMongo();

function hostPort(uri: string): { host: string; port: number } {
  const u = new URL(uri);
  return { host: u.hostname, port: Number(u.port || 27017) };
}

/** Sends one OP_QUERY on a fresh socket and returns the documents of the OP_REPLY. */
async function opQuery(uri: string, ns: string, query: object): Promise<{ opCode: number; docs: AnyDoc[] }> {
  const body = Buffer.concat([
    Buffer.from([0, 0, 0, 0]), // flags
    Buffer.from(`${ns}\0`, "utf8"),
    Buffer.from([0, 0, 0, 0]), // numberToSkip
    Buffer.from([0xff, 0xff, 0xff, 0xff]), // numberToReturn -1
    Buffer.from(BSON.serialize(query)),
  ]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(7, 4); // requestID
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2004, 12); // OP_QUERY
  const { host, port } = hostPort(uri);
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const socket = tcpConnect(port, host, () => socket.write(Buffer.concat([header, body])));
    let data = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("socket closed before a full reply")));
  });
  expect(reply.readInt32LE(8)).toBe(7); // responseTo
  const opCode = reply.readInt32LE(12);
  const numberReturned = reply.readInt32LE(32);
  const docs: AnyDoc[] = [];
  let offset = 36;
  for (let i = 0; i < numberReturned; i++) {
    const size = reply.readInt32LE(offset);
    docs.push(BSON.deserialize(reply.subarray(offset, offset + size)));
    offset += size;
  }
  return { opCode, docs };
}

describe("wire protocol", () => {
  it("answers the legacy OP_QUERY isMaster handshake with an OP_REPLY", async () => {
    const { opCode, docs } = await opQuery(mongo.uri, "admin.$cmd", { isMaster: 1, helloOk: true });
    expect(opCode).toBe(1);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ ismaster: true, maxWireVersion: 21, ok: 1 });
    const hello = await opQuery(mongo.uri, "admin.$cmd", { hello: 1 });
    expect(hello.docs[0]).toMatchObject({ isWritablePrimary: true, ok: 1 });
  });

  it("applies fire-and-forget writes (w: 0) without answering them", async () => {
    const name = mongo.db().databaseName;
    const single = await mongo.connect({ maxPoolSize: 1 });
    const c = single.db(name).collection<AnyDoc>("c");
    for (let i = 0; i < 20; i++) await c.insertOne({ _id: i }, { writeConcern: { w: 0 } });
    await c.updateMany({}, { $set: { seen: true } }, { writeConcern: { w: 0 } });
    await c.deleteOne({ _id: 0 }, { writeConcern: { w: 0 } });
    // The same single connection: the next acknowledged command runs after the unanswered ones.
    expect(await c.countDocuments({ seen: true })).toBe(19);
    expect((await single.db("admin").command({ ping: 1 })).ok).toBe(1);
  });

  // Only zlib: snappy and zstd need optional native packages the project does not install, and a
  // real mongod would pick them.
  it("works for a client offering zlib compression", async () => {
    const name = mongo.db().databaseName;
    const client = await mongo.connect({ compressors: "zlib" });
    const c = client.db(name).collection<AnyDoc>("c");
    const docs = Array.from({ length: 200 }, (_, i) => ({ _id: i, text: "compressible ".repeat(50) }));
    await c.insertMany(docs);
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual(docs);
  });

  it("serves hundreds of concurrent operations queued on a pool of two connections", async () => {
    const name = mongo.db().databaseName;
    const client = new MongoClient(mongo.uri, { maxPoolSize: 2 });
    try {
      const c = client.db(name).collection<AnyDoc>("c");
      await Promise.all(Array.from({ length: 300 }, (_, i) => c.insertOne({ _id: i })));
      const found = await Promise.all(Array.from({ length: 300 }, (_, i) => c.findOne({ _id: i })));
      expect(found.map((d) => d?._id)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    } finally {
      await client.close();
    }
  });
});
