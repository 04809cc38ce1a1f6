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
  private readonly sessions = new Map<string, { id: Binary; lastUse: Date }>();

  /** Records the command's session, if it has one (before the command runs, as mongod). */
  touch(lsid: unknown): void {
    if (!isPlainObject(lsid) || !(lsid.id instanceof Binary)) return;
    const key = Buffer.from(lsid.id.buffer).toString("hex");
    const known = this.sessions.get(key);
    if (known) known.lastUse = new Date();
    else this.sessions.set(key, { id: lsid.id, lastUse: new Date() });
  }

  end(ids: unknown[]): void {
    for (const lsid of ids) {
      if (isPlainObject(lsid) && lsid.id instanceof Binary) {
        this.sessions.delete(Buffer.from(lsid.id.buffer).toString("hex"));
      }
    }
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
      .map((s) => ({ _id: { id: s.id, uid: NO_AUTH_UID }, lastUse: s.lastUse }));
  }
}
