import { mongoError } from "../errors";
import { parseCollation } from "../query/collation";
import { compileFilter } from "../query/filter";
import { type Doc, isPlainObject } from "../query/paths";
import { ID_INDEX } from "../storage/collection";
import type { CommandHandler } from "./context";
import { checkFields, collectionName, optional } from "./validate";

const CREATE_OPTIONS = [
  "capped",
  "size",
  "max",
  "validator",
  "validationLevel",
  "validationAction",
  "collation",
  "storageEngine",
  "indexOptionDefaults",
  "viewOn",
  "pipeline",
  "timeseries",
  "expireAfterSeconds",
  "clusteredIndex",
  "changeStreamPreAndPostImages",
  "idIndex",
  "encryptedFields",
];

export const create: CommandHandler = (cmd, ctx) => {
  checkFields("create", cmd, ["create", ...CREATE_OPTIONS]);
  const name = collectionName("create", cmd);
  for (const unsupported of ["viewOn", "timeseries", "clusteredIndex", "capped", "encryptedFields"]) {
    if (cmd[unsupported])
      throw mongoError("NotImplemented", `create option '${unsupported}' is not supported by this server`);
  }
  // A default collation would change every query on the collection: only 'simple' (the default).
  if (parseCollation(cmd.collation, "create.collation")) {
    throw mongoError(
      "NotImplemented",
      "a collection collation other than 'simple' is not supported by this server",
    );
  }
  const options: Doc = {};
  for (const k of CREATE_OPTIONS) {
    if (cmd[k] !== undefined && k !== "idIndex" && k !== "collation") options[k] = cmd[k];
  }
  const existing = ctx.engine.catalog.collection(ctx.db, name);
  if (existing) {
    throw mongoError("NamespaceExists", `Collection ${ctx.db}.${name} already exists.`);
  }
  ctx.engine.catalog.createCollection(ctx.db, name, options);
  return { ok: 1 };
};

export const drop: CommandHandler = (cmd, ctx) => {
  checkFields("drop", cmd, []);
  const name = collectionName("drop", cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  // mongod 7.0 answers ok for a missing collection.
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.length;
  ctx.engine.catalog.dropCollection(ctx.db, name);
  return { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 };
};

export const dropDatabase: CommandHandler = (cmd, ctx) => {
  checkFields("dropDatabase", cmd, []);
  ctx.engine.catalog.dropDatabase(ctx.db);
  return { ok: 1 };
};

export const listCollections: CommandHandler = (cmd, ctx) => {
  checkFields("listCollections", cmd, [
    "listCollections",
    "filter",
    "nameOnly",
    "authorizedCollections",
    "cursor",
  ]);
  const filter = optional<Doc>("listCollections", cmd, "filter", "object");
  const nameOnly = optional<boolean>("listCollections", cmd, "nameOnly", "bool") ?? false;
  const cursor = optional<Doc>("listCollections", cmd, "cursor", "object");
  const matcher = compileFilter(filter);
  const docs: Doc[] = [];
  for (const coll of ctx.engine.catalog.collections(ctx.db)) {
    const full: Doc = {
      name: coll.name,
      type: "collection",
      options: coll.options,
      info: { readOnly: false, uuid: coll.uuid },
      idIndex: { ...ID_INDEX },
    };
    if (!matcher.test(full)) continue;
    docs.push(nameOnly ? { name: coll.name, type: "collection" } : full);
  }
  const batchSize = isPlainObject(cursor) ? (cursor.batchSize as number | undefined) : undefined;
  return ctx.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, docs, batchSize);
};

export const listDatabases: CommandHandler = (cmd, ctx) => {
  checkFields("listDatabases", cmd, ["listDatabases", "filter", "nameOnly", "authorizedDatabases"]);
  const nameOnly = optional<boolean>("listDatabases", cmd, "nameOnly", "bool") ?? false;
  const matcher = compileFilter(optional<Doc>("listDatabases", cmd, "filter", "object"));
  const databases: Doc[] = [];
  let totalSize = 0;
  for (const [name, colls] of ctx.engine.catalog.dbs) {
    let size = 0;
    for (const c of colls.values()) size += c.docs.size * 64 + 4096;
    const entry: Doc = nameOnly ? { name } : { name, sizeOnDisk: size, empty: false };
    if (!matcher.test(entry)) continue;
    totalSize += size;
    databases.push(entry);
  }
  databases.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return nameOnly
    ? { databases, ok: 1 }
    : { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1048576), ok: 1 };
};
