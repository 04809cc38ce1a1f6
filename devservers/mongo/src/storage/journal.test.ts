import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Binary, serialize } from "bson";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, readJournal } from "./journal";

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-test-"));
  dirs.push(dir);
  return path.join(dir, "journal.1.wal");
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("journal", () => {
  it("makes concurrently appended records durable and reads them back in order", async () => {
    const file = tempFile();
    const j = Journal.open(file);
    const writers = Array.from({ length: 50 }, (_, i) => {
      j.append({ i });
      return j.sync();
    });
    await Promise.all(writers);
    j.close();
    expect(readJournal(file).map((r) => r.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("writes put records built around the stored bytes exactly as a serialized record", async () => {
    const doc = Buffer.from(serialize({ _id: 1, name: "ü", n: 2 }));
    const built = tempFile();
    const j1 = Journal.open(built);
    j1.appendPut("db.ünï", doc);
    await j1.sync();
    j1.close();
    const serialized = tempFile();
    const j2 = Journal.open(serialized);
    j2.append({ t: "put", ns: "db.ünï", raw: new Binary(doc) });
    await j2.sync();
    j2.close();
    expect(fs.readFileSync(built)).toEqual(fs.readFileSync(serialized));
    expect(readJournal(built)).toHaveLength(1);
  });

  it("cuts a torn last record off and appends after the last intact one", async () => {
    const file = tempFile();
    const j = Journal.open(file);
    j.append({ n: 1 });
    j.append({ n: 2 });
    await j.sync();
    j.close();
    const intact = fs.statSync(file).size;
    // A crash in the middle of the next write: a header promising more bytes than arrived.
    const torn = Buffer.alloc(12);
    torn.writeUInt32LE(500, 0);
    fs.appendFileSync(file, torn);

    expect(readJournal(file).map((r) => r.n)).toEqual([1, 2]);
    expect(fs.statSync(file).size).toBe(intact);

    const again = Journal.open(file);
    again.append({ n: 3 });
    await again.sync();
    again.close();
    expect(readJournal(file).map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it("stops at a record whose checksum does not match", async () => {
    const file = tempFile();
    const j = Journal.open(file);
    j.append({ n: 1 });
    j.append({ n: 2 });
    await j.sync();
    j.close();
    const bytes = fs.readFileSync(file);
    const at = bytes.length - 3; // a byte inside the second record's payload
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    expect(readJournal(file).map((r) => r.n)).toEqual([1]);
  });
});
