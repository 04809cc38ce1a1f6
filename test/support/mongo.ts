import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { DatabaseService } from "@/server/db";

/** The run's shared MongoDB, from `vitest.global-setup.ts`. */
export function testMongoUri(): string {
  const uri = inject("mongoUri");
  if (!uri) throw new Error("no mongoUri provided: is devservers/mongo available or MONGODB_TEST_URI set?");
  return uri;
}

/** A database prefix no other test uses (fits MONGODB_DB_PREFIX: a letter then ≤ 19 of [a-z0-9]). */
export function uniquePrefix(): string {
  return `t${randomBytes(6).toString("hex")}`;
}

/** A Redis key prefix no other test uses. */
export function uniqueRedisPrefix(): string {
  return `test:${randomBytes(6).toString("hex")}:`;
}

/** Drops every database this prefix created (master and tenants), then closes the clients. */
export async function dropPrefixedDatabases(db: DatabaseService): Promise<void> {
  const admin = db.client().db("admin").admin();
  const { databases } = await admin.listDatabases({ nameOnly: true });
  await Promise.all(
    databases
      .filter((d) => d.name.startsWith(`${db.prefix}_`))
      .map((d) => db.client().db(d.name).dropDatabase()),
  );
  await db.close();
}
