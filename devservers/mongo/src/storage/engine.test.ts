import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StorageEngine } from "./engine";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const spec = { v: 2 as const, key: { email: 1 }, name: "email_1", unique: true };

describe("storage engine recovery", () => {
  it("replays the journal after a crash (no clean close) and keeps one directory per database", async () => {
    const dbpath = tempDir();
    const a = StorageEngine.open(dbpath);
    const users = a.catalog.ensureCollection("app", "users");
    users.addIndex(spec);
    users.insert({ _id: 1, email: "a@x" });
    users.insert({ _id: 2, email: "b@x" });
    users.put({ _id: 1, email: "c@x" });
    users.delete(2);
    a.catalog.ensureCollection("other", "gone").insert({ _id: 1 });
    a.catalog.dropDatabase("other");
    await a.commit();
    // No close(): the process "dies" here with everything only in the journal.

    const b = StorageEngine.open(dbpath);
    const back = b.catalog.collection("app", "users")!;
    expect([...back.docs.values()]).toEqual([{ _id: 1, email: "c@x" }]);
    expect(back.indexes.map((i) => i.name)).toEqual(["_id_", "email_1"]);
    expect(b.catalog.collection("other", "gone")).toBeUndefined();
    // Start-up compacted into snapshots: one directory per database, no leftovers.
    expect(fs.readdirSync(dbpath).sort()).toEqual(["app", "journal.2.wal", "manifest.json", "mongod.lock"]);
    await b.close();
  });

  it("drops the temporary collection of an $out interrupted by a crash", async () => {
    const dbpath = tempDir();
    const a = StorageEngine.open(dbpath);
    a.catalog.ensureCollection("app", "report").insert({ _id: 1, old: true });
    a.catalog.ensureCollection("app", "tmp.agg_out.1234").insert({ _id: 2, partial: true });
    await a.commit();
    const b = StorageEngine.open(dbpath);
    expect(b.catalog.collections("app").map((c) => c.name)).toEqual(["report"]);
    expect([...b.catalog.collection("app", "report")!.docs.values()]).toEqual([{ _id: 1, old: true }]);
    await b.close();
  });

  it("replays history that passes through states a unique index would refuse", async () => {
    const dbpath = tempDir();
    const a = StorageEngine.open(dbpath);
    const users = a.catalog.ensureCollection("app", "users");
    users.addIndex(spec);
    users.insert({ _id: 1, email: "a@x" });
    users.put({ _id: 1, email: "b@x" });
    users.insert({ _id: 2, email: "a@x" });
    await a.commit();
    await a.close(); // snapshot holds {1: b, 2: a}

    const b = StorageEngine.open(dbpath);
    const again = b.catalog.collection("app", "users")!;
    again.put({ _id: 1, email: "c@x" });
    again.put({ _id: 2, email: "b@x" });
    await b.commit();
    // Crash, then restart: replay must converge on the final state.
    const c = StorageEngine.open(dbpath);
    expect([...c.catalog.collection("app", "users")!.docs.values()]).toEqual([
      { _id: 1, email: "c@x" },
      { _id: 2, email: "b@x" },
    ]);
    await c.close();
  });
});

describe("rename and index changes", () => {
  it("replays a rename (with a replaced target) and keeps it through later compactions", async () => {
    const dbpath = tempDir();
    const a = StorageEngine.open(dbpath);
    const src = a.catalog.ensureCollection("app", "src");
    src.addIndex(spec);
    src.addIndex({ v: 2, key: { at: 1 }, name: "at_1", expireAfterSeconds: 60 });
    src.insert({ _id: 1, email: "a@x" });
    a.catalog.ensureCollection("app", "dst").insert({ _id: 9, old: true });
    await a.compact(); // both names now live in snapshots, not only in the journal
    const uuid = src.uuid;
    a.catalog.renameCollection("app", "src", "app", "dst");
    a.catalog.collection("app", "dst")!.insert({ _id: 2, email: "b@x" });
    a.catalog.ensureCollection("app", "src").insert({ _id: 3, reborn: true });
    a.catalog.modifyIndex(a.catalog.collection("app", "dst")!, "at_1", {
      expireAfterSeconds: 5,
      hidden: true,
    });
    await a.commit();
    // No close(): a crash with the rename only in the journal.

    for (let open = 0; open < 2; open++) {
      const b = StorageEngine.open(dbpath);
      const dst = b.catalog.collection("app", "dst")!;
      expect([...dst.docs.values()]).toEqual([
        { _id: 1, email: "a@x" },
        { _id: 2, email: "b@x" },
      ]);
      expect(dst.uuid).toEqual(uuid);
      expect(dst.indexes.map((i) => i.spec)).toEqual([
        { v: 2, key: { _id: 1 }, name: "_id_" },
        spec,
        { v: 2, key: { at: 1 }, name: "at_1", expireAfterSeconds: 5, hidden: true },
      ]);
      expect(() => dst.insert({ _id: 4, email: "a@x" })).toThrow(/E11000/);
      expect([...b.catalog.collection("app", "src")!.docs.values()]).toEqual([{ _id: 3, reborn: true }]);
      // The second open starts from the snapshots the first one compacted into, with no journal.
      await b.commit();
      if (open === 0) expect(fs.statSync(path.join(dbpath, "journal.3.wal")).size).toBe(0);
    }
  });
});

describe("dbpath lock", () => {
  it("refuses a second server on a dbpath held by a running process, and frees it on close", async () => {
    const dbpath = tempDir();
    fs.writeFileSync(path.join(dbpath, "mongod.lock"), String(process.ppid));
    expect(() => StorageEngine.open(dbpath)).toThrow(/in use by another server/);
    fs.writeFileSync(path.join(dbpath, "mongod.lock"), "999999999"); // a pid that does not run
    const engine = StorageEngine.open(dbpath);
    await engine.close();
    expect(fs.existsSync(path.join(dbpath, "mongod.lock"))).toBe(false);
  });

  it.skipIf(!fs.existsSync("/proc/self/stat"))(
    "takes over a lock whose pid now belongs to another process",
    async () => {
      const dbpath = tempDir();
      const stat = fs.readFileSync(`/proc/${process.ppid}/stat`, "utf8");
      const started = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
      fs.writeFileSync(path.join(dbpath, "mongod.lock"), `${process.ppid}\n${started}\n`);
      expect(() => StorageEngine.open(dbpath)).toThrow(/in use by another server/);
      // Same pid, another start time: the pid was reused after the server died.
      fs.writeFileSync(path.join(dbpath, "mongod.lock"), `${process.ppid}\n1\n`);
      const engine = StorageEngine.open(dbpath);
      expect(fs.readFileSync(path.join(dbpath, "mongod.lock"), "utf8").split("\n")[0]).toBe(
        String(process.pid),
      );
      await engine.close();
    },
  );
});
