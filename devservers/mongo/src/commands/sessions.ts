import { createHash } from "node:crypto";
import { Binary, type Document } from "bson";
import { mongoError } from "../errors";
import { isPlainObject } from "../query/paths";

/** The `uid` of sessions opened without authentication: SHA-256 of the empty user name, as mongod. */
const NO_AUTH_UID = new Binary(createHash("sha256").update("").digest(), 0);

/**
 * mongod's logical session cache, as far as a standalone without authentication shows it: every
 * session id a command carries (`lsid`) is recorded with its last use; `endSessions` forgets it;
 * `$listLocalSessions` lists them.
 */
export class SessionCache {
  private readonly sessions = new Map<string, { id: Binary; lastUse: number }>();
  /** The session touched last: a driver reuses one session for consecutive operations. */
  private last?: { bytes: Uint8Array; entry: { id: Binary; lastUse: number } };

  /** Records the command's session, if it has one (before the command runs, as mongod). */
  touch(lsid: unknown): void {
    if (!isPlainObject(lsid) || !(lsid.id instanceof Binary)) return;
    const bytes = lsid.id.buffer;
    const last = this.last;
    if (last && sameBytes(last.bytes, bytes)) {
      last.entry.lastUse = Date.now();
      return;
    }
    const key = keyOf(bytes);
    let entry = this.sessions.get(key);
    if (entry) entry.lastUse = Date.now();
    else {
      entry = { id: lsid.id, lastUse: Date.now() };
      this.sessions.set(key, entry);
    }
    this.last = { bytes, entry };
  }

  end(ids: unknown[]): void {
    for (const lsid of ids) {
      if (isPlainObject(lsid) && lsid.id instanceof Binary) this.sessions.delete(keyOf(lsid.id.buffer));
    }
    this.last = undefined;
  }

  /** `$listLocalSessions` records: `{_id: {id, uid}, lastUse}` (no user without authentication). */
  list(spec: unknown): Document[] {
    if (!isPlainObject(spec)) {
      throw mongoError(
        "TypeMismatch",
        `$listLocalSessions options must be specified in an object, but found: ${Array.isArray(spec) ? "array" : typeof spec}`,
      );
    }
    for (const k of Object.keys(spec)) {
      if (k !== "allUsers" && k !== "users" && k !== "$_internalPredicate") {
        throw mongoError("Location40415", `BSON field '$listLocalSessions.${k}' is an unknown field.`);
      }
    }
    const users = Array.isArray(spec.users) ? spec.users : [];
    if (spec.allUsers === true && users.length > 0) {
      throw mongoError(
        "UnsupportedFormat",
        "$listLocalSessions may not specify {allUsers:true} and {users:[...]} at the same time",
      );
    }
    // Without authentication every session belongs to the user "" of database "": listed for
    // {} and {allUsers: true}, and for an explicit users list only when it names that user.
    const mine =
      spec.allUsers === true ||
      users.length === 0 ||
      users.some((u) => isPlainObject(u) && u.user === "" && u.db === "");
    if (!mine) return [];
    return [...this.sessions.values()]
      .reverse()
      .map((s) => ({ _id: { id: s.id, uid: NO_AUTH_UID }, lastUse: new Date(s.lastUse) }));
  }
}

function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
