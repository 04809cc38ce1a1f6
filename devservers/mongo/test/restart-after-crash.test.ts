/**
 * Restart right after `kill -9`: the killed server stays a zombie until its parent reaps it (for
 * good when the parent never does, as in containers without an init), and its mongod.lock still
 * names it. The restart must take such a lock over and find every acknowledged write, while a live
 * server's dbpath stays refused. Needs server processes it can kill and a process table it can
 * read (/proc), so it runs the embedded CLI on Linux only (MONGODB_TEST_URI is ignored).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { MongoClient } from "mongodb";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { MONGO_NODE_FLAGS } from "../node-flags";
import { type MongoProcess, spawnMongo } from "./mongo-process";

const root = path.resolve(import.meta.dirname, "../../..");
const cli = path.join(root, "devservers/mongo/cli.ts");
const linux = fs.existsSync("/proc/self/stat");

const dirs: string[] = [];
const servers: MongoProcess[] = [];
const parents: ChildProcess[] = [];
const clients: MongoClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(true).catch(() => {});
  for (const s of servers.splice(0)) await s.stop("SIGKILL");
  for (const p of parents.splice(0)) p.kill("SIGKILL");
});

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function state(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0];
  } catch {
    return undefined;
  }
}

/**
 * The server CLI as the child of a `sleep` that never waits for it: `sh -c 'server & exec sleep'`
 * starts the server in the background, then the shell becomes `sleep`, the server's parent.
 */
async function spawnUnreaped(dbpath: string): Promise<{ uri: string; parent: ChildProcess }> {
  const parent = spawn(
    "sh",
    [
      "-c",
      '"$@" & exec sleep 600',
      "sh",
      process.execPath,
      ...MONGO_NODE_FLAGS,
      "--import",
      "tsx",
      cli,
      "--port",
      "0",
      "--dbpath",
      dbpath,
      "--quiet",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  parents.push(parent);
  const uri = await new Promise<string>((resolve, reject) => {
    createInterface({ input: parent.stdout! }).once("line", (line) => {
      const m = /^ready (mongodb:\/\/\S+)$/.exec(line);
      if (m?.[1]) resolve(m[1]);
      else reject(new Error(`unexpected first stdout line: ${line}`));
    });
  });
  return { uri, parent };
}

async function connect(uri: string): Promise<MongoClient> {
  const c = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, retryWrites: false, maxPoolSize: 1 });
  clients.push(c);
  return c.connect();
}

describe.skipIf(!linux)("restart right after a crash", () => {
  it("takes over the lock of a killed server that is still an unreaped zombie", async () => {
    const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-mongo-zombie-"));
    dirs.push(dbpath);
    const first = await spawnUnreaped(dbpath);
    const client = await connect(first.uri);
    const docs = Array.from({ length: 50 }, (_, i) => ({ _id: i, v: `acknowledged ${i}` }));
    await client.db("app").collection<{ _id: number; v: string }>("c").insertMany(docs);
    await client.db("app").collection("c").createIndex({ v: 1 }, { unique: true });

    const pid = Number(fs.readFileSync(path.join(dbpath, "mongod.lock"), "utf8").split("\n")[0]);
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(first.parent.pid);
    process.kill(pid, "SIGKILL");
    // Killed, not reaped: the process table keeps it as a zombie while its parent sleeps.
    while (state(pid) !== "Z") await new Promise((r) => setTimeout(r, 5));
    expect(fs.readFileSync(path.join(dbpath, "mongod.lock"), "utf8").split("\n")[0]).toBe(String(pid));

    const second = await spawnMongo(dbpath);
    servers.push(second);
    expect(state(pid)).toBe("Z");
    expect(second.pid).not.toBe(pid);
    const again = await connect(second.uri);
    const coll = again.db("app").collection("c");
    expect(await coll.find({}, { sort: { _id: 1 } }).toArray()).toEqual(docs);
    expect((await coll.indexes()).map((i) => i.name)).toEqual(["_id_", "v_1"]);
    expect(fs.readFileSync(path.join(dbpath, "mongod.lock"), "utf8").split("\n")[0]).toBe(String(second.pid));
  });

  it("still refuses the dbpath of a live server", async () => {
    const dbpath = await mkdtemp(path.join(tmpdir(), "conduit-mongo-zombie-"));
    dirs.push(dbpath);
    const live = await spawnMongo(dbpath);
    servers.push(live);
    await expect(spawnMongo(dbpath)).rejects.toThrow(/in use by another server \(pid \d+\)/);
    const client = await connect(live.uri);
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});
