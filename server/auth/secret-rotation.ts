import { MongoServerError } from "mongodb";
import type { DatabaseService } from "../db";
import { log } from "../log";
import type { AuditService } from "../services/audit/audit-service";
import { getServices } from "../services/container";
import { keyRing } from "./jwt";
import type { KeyRing } from "./keys";

interface SigningKeyState {
  _id: "signing_key";
  kid: string;
  updatedAt: Date;
}

/**
 * Records `auth.secret_rotation` in the audit trail when this process signs with a different
 * kid than the last one seen (and once for the very first kid). The swap of the stored kid is
 * a single atomic update, so of many processes starting together exactly one writes the entry.
 * Returns whether it recorded one.
 */
export async function ensureSecretRotationRecorded(
  deps: { db: DatabaseService; audit: Pick<AuditService, "record"> },
  keys: KeyRing = keyRing(),
): Promise<boolean> {
  const kid = keys.signing.kid;
  const state = deps.db.master().db.collection<SigningKeyState>("auth_state");
  const swap = () =>
    state.findOneAndUpdate(
      { _id: "signing_key" },
      { $set: { kid, updatedAt: new Date() } },
      { upsert: true, returnDocument: "before" },
    );
  // Two first-ever upserts can collide on the _id; the loser retries against the winner's doc.
  const before = await swap().catch((error: unknown) => {
    if (error instanceof MongoServerError && error.code === 11000) return swap();
    throw error;
  });
  if (before?.kid === kid) return false;
  await deps.audit.record({
    actor: null,
    action: "auth.secret_rotation",
    target: { type: "auth_key", id: kid },
    details: { signingKid: kid, previousKid: before?.kid ?? null, verifyingKids: [...keys.byKid.keys()] },
  });
  return true;
}

let recorded: Promise<void> | undefined;
/** Once per process, on the first auth-related request: see ensureSecretRotationRecorded. */
export function recordSigningKeyOnce(): Promise<void> {
  const pending =
    recorded ??
    ensureSecretRotationRecorded(getServices()).then(
      () => undefined,
      (error: unknown) => {
        recorded = undefined; // try again on the next request
        log.warn({ err: error }, "could not record the signing key");
      },
    );
  recorded = pending;
  return pending;
}
