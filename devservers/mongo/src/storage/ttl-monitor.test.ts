import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StorageEngine } from "./engine";
import { expireNow } from "./ttl-monitor";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("TTL monitor", () => {
  it("deletes documents whose indexed date is older than expireAfterSeconds, durably", async () => {
    const dbpath = fs.mkdtempSync(path.join(os.tmpdir(), "ttl-test-"));
    dirs.push(dbpath);
    const engine = StorageEngine.open(dbpath);
    const c = engine.catalog.ensureCollection("app", "sessions");
    c.addIndex({ v: 2, key: { at: 1 }, name: "at_1", expireAfterSeconds: 60 });
    const now = new Date("2026-01-01T00:10:00Z");
    c.insert({ _id: "old", at: new Date("2026-01-01T00:08:00Z") });
    c.insert({ _id: "fresh", at: new Date("2026-01-01T00:09:30Z") });
    c.insert({ _id: "no-date", at: "yesterday" });
    c.insert({ _id: "array", at: [new Date("2026-01-01T00:09:59Z"), new Date("2026-01-01T00:00:00Z")] });
    expect(expireNow(engine, now)).toBe(2);
    await engine.commit();
    const again = StorageEngine.open(dbpath);
    expect([...again.catalog.collection("app", "sessions")!.docs.values()].map((d) => d._id)).toEqual([
      "fresh",
      "no-date",
    ]);
    await again.close();
  });
});
