/**
 * The write storm of the durability test: writers that each own their keys (or, for DDL, their
 * collections) and record every acknowledged change, and the checks that compare a restarted
 * server with those records. A change in flight when the server dies is "pending": after the
 * restart it may or may not be there, but nothing else may differ.
 */
import { MongoBulkWriteError, type MongoClient, MongoError, MongoServerError } from "mongodb";
import { expect } from "vitest";

export type Doc = { _id: string; u: string; v: number; n: number; pad: string };
/** What a key holds: a document, or null when it is absent. */
export type State = Doc | null;

export interface Tracked {
  confirmed: State;
  /** Set while a write is in flight: its outcome if it was applied. */
  pending?: State;
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** A network-level failure (the server was killed), as opposed to an answer from the server. */
function serverGone(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) return [error.writeErrors].flat().length === 0;
  return error instanceof MongoError && !(error instanceof MongoServerError);
}

/** Key-order-insensitive form of a state, for comparison. */
function canon(s: State): string {
  return s === null
    ? "null"
    : JSON.stringify(Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b))));
}

/** One writer owns its keys, so it always knows what each key must hold after each write. */
export async function writer(
  client: MongoClient,
  w: number,
  round: number,
  keys: Map<string, Tracked>,
  acks: { n: number },
): Promise<void> {
  const c = client.db("storm").collection<Doc>("docs");
  const mine = () => [...keys.entries()].filter(([k, t]) => k.startsWith(`w${w}-`) && t.confirmed !== null);
  let seq = 0;
  const doc = (key: string, n: number): Doc => ({
    _id: key,
    u: key,
    v: rand(1_000_000),
    n,
    pad: "p".repeat(rand(400)),
  });
  for (;;) {
    const live = mine();
    const roll = rand(10);
    try {
      if (live.length < 5 || roll < 3) {
        const key = `w${w}-r${round}-${seq++}`;
        const next = doc(key, 0);
        keys.set(key, { confirmed: null, pending: next });
        await c.insertOne(next);
        keys.set(key, { confirmed: next });
      } else if (roll < 4) {
        const size = rand(10) === 0 ? 300 : 1 + rand(20); // now and then a batch big enough to tear
        const batch = Array.from({ length: size }, () => doc(`w${w}-r${round}-${seq++}`, 0));
        for (const d of batch) keys.set(d._id, { confirmed: null, pending: d });
        await c.insertMany(batch);
        for (const d of batch) keys.set(d._id, { confirmed: d });
      } else if (roll < 8) {
        const [key, t] = live[rand(live.length)]!;
        const prev = t.confirmed!;
        const next = { ...prev, v: rand(1_000_000), n: prev.n + 1 };
        keys.set(key, { confirmed: prev, pending: next });
        const res = await c.updateOne({ _id: key }, { $set: { v: next.v }, $inc: { n: 1 } });
        if (res.matchedCount !== 1) throw new Error(`update of ${key} matched ${res.matchedCount}`);
        keys.set(key, { confirmed: next });
      } else {
        const [key, t] = live[rand(live.length)]!;
        keys.set(key, { confirmed: t.confirmed, pending: null });
        const res = await c.deleteOne({ _id: key });
        if (res.deletedCount !== 1) throw new Error(`delete of ${key} removed ${res.deletedCount}`);
        keys.set(key, { confirmed: null });
      }
      acks.n++;
    } catch (error) {
      if (serverGone(error)) return; // the write in flight stays pending
      throw error; // the server answered, and wrongly
    }
  }
}

/** A collection's state for the DDL writer: "-" when absent, else its secondary index names. */
export type Ddl = { confirmed: string; pending?: string };
const ABSENT = "-";
const withIndex = (s: string, name: string) => [...s.split(",").filter(Boolean), name].sort().join(",");
const withoutIndex = (s: string, name: string) =>
  s
    .split(",")
    .filter((n) => n && n !== name)
    .join(",");

/** Creates and drops collections and indexes in database "ddl", tracking each acknowledged change. */
export async function ddlWriter(
  client: MongoClient,
  round: number,
  ddl: Map<string, Ddl>,
  acks: { n: number },
) {
  const db = client.db("ddl");
  let seq = 0;
  for (;;) {
    const live = [...ddl.entries()].filter(([, t]) => t.confirmed !== ABSENT);
    const roll = rand(10);
    try {
      if (live.length < 3 || roll < 3) {
        const name = `c${round}_${seq++}`;
        ddl.set(name, { confirmed: ABSENT, pending: "" });
        await db.createCollection(name);
        ddl.set(name, { confirmed: "" });
      } else if (roll < 7) {
        const [name, t] = live[rand(live.length)]!;
        const field = `f${round}_${seq++}`;
        const next = withIndex(t.confirmed, `${field}_1`);
        ddl.set(name, { confirmed: t.confirmed, pending: next });
        await db.collection(name).createIndex({ [field]: 1 });
        ddl.set(name, { confirmed: next });
      } else if (roll < 9) {
        const [name, t] = live[rand(live.length)]!;
        const index = t.confirmed.split(",").filter(Boolean)[0];
        if (!index) continue;
        const next = withoutIndex(t.confirmed, index);
        ddl.set(name, { confirmed: t.confirmed, pending: next });
        await db.collection(name).dropIndex(index);
        ddl.set(name, { confirmed: next });
      } else {
        const [name, t] = live[rand(live.length)]!;
        ddl.set(name, { confirmed: t.confirmed, pending: ABSENT });
        await db.collection(name).drop();
        ddl.set(name, { confirmed: ABSENT });
      }
      acks.n++;
    } catch (error) {
      if (serverGone(error)) return;
      throw error;
    }
  }
}

export async function verifyDdl(client: MongoClient, ddl: Map<string, Ddl>): Promise<void> {
  const db = client.db("ddl");
  const names = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of names) expect(ddl.has(name), `unexpected collection ${name}`).toBe(true);
  for (const [name, t] of ddl) {
    let got = ABSENT;
    if (names.has(name)) {
      const indexes = await db.collection(name).indexes();
      got = indexes
        .map((i) => String(i.name))
        .filter((n) => n !== "_id_")
        .sort()
        .join(",");
    }
    const allowed = t.pending === undefined ? [t.confirmed] : [t.confirmed, t.pending];
    expect(allowed, `collection ${name}: got "${got}", acknowledged "${t.confirmed}"`).toContain(got);
    ddl.set(name, { confirmed: got });
  }
}

/** Compares what the restarted server holds with what was acknowledged; resolves pending writes. */
export async function verify(client: MongoClient, keys: Map<string, Tracked>): Promise<number> {
  const coll = client.db("storm").collection<Doc>("docs");
  const actual = new Map((await coll.find({}).toArray()).map((d) => [d._id, d]));
  for (const id of actual.keys()) expect(keys.has(id), `unexpected document ${id}`).toBe(true);
  let pendingResolved = 0;
  for (const [key, t] of keys) {
    const got = actual.get(key) ?? null;
    const allowed = t.pending === undefined ? [t.confirmed] : [t.confirmed, t.pending];
    const ok = allowed.some((s) => canon(s) === canon(got));
    expect(ok, `key ${key}: got ${JSON.stringify(got)}, acknowledged ${JSON.stringify(t.confirmed)}`).toBe(
      true,
    );
    if (t.pending !== undefined) pendingResolved++;
    keys.set(key, { confirmed: got });
  }
  expect(await coll.countDocuments()).toBe(actual.size);
  return pendingResolved;
}

// Child processes on two shared cores: allow far more than the usual few seconds per restart.
