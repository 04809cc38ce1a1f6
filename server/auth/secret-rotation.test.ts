import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DatabaseService } from "../db";
import { log } from "../log";
import { AuditService } from "../services/audit/audit-service";
import { parseKeyRing } from "./keys";
import { ensureSecretRotationRecorded } from "./secret-rotation";

const db = new DatabaseService({ uri: inject("mongoUri"), prefix: `t${randomBytes(6).toString("hex")}` });
const audit = new AuditService({ db, log });

afterAll(async () => {
  await db.master().db.dropDatabase();
  await db.close();
});

describe("auth.secret_rotation audit event", () => {
  it("is recorded once per new signing kid, also when processes start together", async () => {
    const v1 = parseKeyRing(`v1:${"1".repeat(40)}`);
    const v2 = parseKeyRing(`v2:${"2".repeat(40)},v1:${"1".repeat(40)}`);
    const rotations = () =>
      db.master().auditLog.find({ action: "auth.secret_rotation" }).sort({ at: 1 }).toArray();

    expect(await ensureSecretRotationRecorded({ db, audit }, v1)).toBe(true);
    expect(await ensureSecretRotationRecorded({ db, audit }, v1)).toBe(false);
    const together = await Promise.all([1, 2, 3].map(() => ensureSecretRotationRecorded({ db, audit }, v2)));
    expect(together.filter(Boolean)).toHaveLength(1);

    const entries = await rotations();
    expect(entries.map((e) => e.details)).toEqual([
      { signingKid: "v1", previousKid: null, verifyingKids: ["v1"] },
      { signingKid: "v2", previousKid: "v1", verifyingKids: ["v2", "v1"] },
    ]);
    expect(entries[1]).toMatchObject({ actorId: null, target: { type: "auth_key", id: "v2" } });
  });
});
