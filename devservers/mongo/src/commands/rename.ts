import { mongoError } from "../errors";
import type { CommandHandler } from "./context";
import { checkFields } from "./validate";

function splitNamespace(ns: string): [string, string] {
  const dot = ns.indexOf(".");
  return dot < 0 ? [ns, ""] : [ns.slice(0, dot), ns.slice(dot + 1)];
}

function isValidNamespace(db: string, coll: string): boolean {
  return (
    db.length > 0 &&
    db.length <= 63 &&
    !/[/\\. "$\0]/.test(db) &&
    coll.length > 0 &&
    !coll.includes("\0") &&
    !coll.startsWith(".") &&
    !coll.includes("$")
  );
}

/**
 * `{renameCollection: "db.a", to: "db.b", dropTarget}` on `admin`, with mongod 7.0's checks in its
 * order: admin only (13), fully qualified names (73), not onto itself (20), source present (26),
 * target absent unless `dropTarget` (48).
 */
export const renameCollection: CommandHandler = (cmd, ctx) => {
  if (ctx.db !== "admin") {
    throw mongoError("Unauthorized", "renameCollection may only be run against the admin database.");
  }
  checkFields("renameCollection", cmd, ["to", "dropTarget", "stayTemp", "collectionUUID"]);
  const from = cmd.renameCollection;
  if (typeof from !== "string") {
    throw mongoError(
      "TypeMismatch",
      `BSON field 'renameCollection.renameCollection' is the wrong type '${typeof from}', expected type 'string'`,
    );
  }
  if (!from.includes(".")) throw mongoError("InvalidNamespace", `Invalid namespace specified '${from}'`);
  const to = cmd.to;
  if (to === undefined) {
    throw mongoError("Location40414", "BSON field 'renameCollection.to' is missing but a required field");
  }
  if (typeof to !== "string") {
    throw mongoError(
      "TypeMismatch",
      `BSON field 'renameCollection.to' is the wrong type '${typeof to}', expected type 'string'`,
    );
  }
  if (from === to) throw mongoError("IllegalOperation", "Can't rename a collection to itself");
  const [fromDb, fromName] = splitNamespace(from);
  const [toDb, toName] = splitNamespace(to);
  if (!isValidNamespace(fromDb, fromName)) {
    throw mongoError("InvalidNamespace", `Invalid source namespace: ${from}`);
  }
  if (!isValidNamespace(toDb, toName))
    throw mongoError("InvalidNamespace", `Invalid target namespace: ${to}`);
  const dropTarget = cmd.dropTarget === true || (typeof cmd.dropTarget === "number" && cmd.dropTarget !== 0);
  const catalog = ctx.engine.catalog;
  const sameDb = fromDb === toDb;
  if (!catalog.collection(fromDb, fromName)) {
    if (!sameDb) throw mongoError("NamespaceNotFound", "source namespace does not exist");
    if (!catalog.dbs.has(fromDb)) {
      throw mongoError("NamespaceNotFound", `Database ${fromDb} does not exist or is drop pending`);
    }
    throw mongoError("NamespaceNotFound", `Source collection ${from} does not exist`);
  }
  if (catalog.collection(toDb, toName) && !dropTarget) {
    throw mongoError("NamespaceExists", "target namespace exists");
  }
  catalog.renameCollection(fromDb, fromName, toDb, toName);
  return { ok: 1 };
};
