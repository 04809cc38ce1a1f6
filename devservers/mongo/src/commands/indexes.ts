import { mongoError } from "../errors";
import { parseCollation } from "../query/collation";
import { encodeKey } from "../query/compare";
import { type Doc, isPlainObject } from "../query/paths";
import type { IndexSpec } from "../storage/index-store";
import type { CommandHandler } from "./context";
import { checkFields, collectionName, optional } from "./validate";

const INDEX_OPTIONS = [
  "key",
  "name",
  "unique",
  "sparse",
  "partialFilterExpression",
  "expireAfterSeconds",
  "background",
  "hidden",
  "collation",
  "v",
  "ns",
  "weights",
  "default_language",
  "language_override",
  "textIndexVersion",
  "2dsphereIndexVersion",
  "wildcardProjection",
  "storageEngine",
  "bits",
  "min",
  "max",
];

export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([f, d]) => `${f}_${String(d)}`)
    .join("_");
}

function normalizeSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw mongoError("TypeMismatch", "index specification must be an object");
  for (const k of Object.keys(raw)) {
    if (!INDEX_OPTIONS.includes(k)) {
      throw mongoError(
        "InvalidIndexSpecificationOption",
        `The field '${k}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`,
      );
    }
  }
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw mongoError("CannotCreateIndex", "Index keys cannot be empty.");
  }
  for (const [f, d] of Object.entries(key)) {
    if (d === "text" || d === "2dsphere" || d === "2d" || d === "hashed" || f.includes("$**")) {
      throw mongoError(
        "CannotCreateIndex",
        `unsupported index type ${String(d)} on field ${f} by this server`,
      );
    }
    if (typeof d !== "number" || d === 0) {
      throw mongoError(
        "CannotCreateIndex",
        `Values in the index key pattern can't be 0, found ${String(d)} for field ${f}`,
      );
    }
  }
  // Index keys follow the index's collation; only binary ('simple') keys are supported.
  if (parseCollation(raw.collation, "collation")) {
    throw mongoError(
      "NotImplemented",
      "an index collation other than 'simple' is not supported by this server",
    );
  }
  const name = typeof raw.name === "string" ? raw.name : defaultIndexName(key);
  const spec: IndexSpec = {
    v: 2,
    key: Object.fromEntries(Object.entries(key).map(([f, d]) => [f, (d as number) < 0 ? -1 : 1])),
    name,
  };
  for (const [k, v] of Object.entries(raw)) {
    if (k === "key" || k === "name" || k === "v" || k === "ns" || k === "background" || k === "collation")
      continue;
    if ((k === "unique" || k === "sparse") && !v) continue;
    spec[k] = v;
  }
  return spec;
}

/** Options that make two specs "the same index" for createIndexes' idempotence check. */
function optionsKey(spec: IndexSpec): string {
  return encodeKey({
    unique: spec.unique === true,
    sparse: spec.sparse === true,
    partial: spec.partialFilterExpression ?? null,
    ttl: spec.expireAfterSeconds ?? null,
  });
}

export const createIndexes: CommandHandler = (cmd, ctx) => {
  checkFields("createIndexes", cmd, [
    "createIndexes",
    "indexes",
    "commitQuorum",
    "ignoreUnknownIndexOptions",
  ]);
  const name = collectionName("createIndexes", cmd);
  const raw = optional<unknown[]>("createIndexes", cmd, "indexes", "array");
  if (!raw)
    throw mongoError("Location40414", "BSON field 'createIndexes.indexes' is missing but a required field");
  if (raw.length === 0) throw mongoError("BadValue", "Must specify at least one index to create");
  const specs = raw.map(normalizeSpec);
  const catalog = ctx.engine.catalog;
  const existed = catalog.collection(ctx.db, name) !== undefined;
  const coll = catalog.ensureCollection(ctx.db, name);
  const before = coll.indexes.length;
  const toBuild: IndexSpec[] = [];
  for (const spec of specs) {
    const sameName =
      coll.indexes.find((i) => i.name === spec.name) ?? toBuild.find((s) => s.name === spec.name);
    const sameKeySpec = sameName?.spec ?? sameName;
    const sameKey = coll.indexes.find((i) => encodeKey(i.spec.key) === encodeKey(spec.key));
    if (sameName) {
      const s = sameKeySpec as IndexSpec;
      if (encodeKey(s.key) !== encodeKey(spec.key)) {
        throw mongoError(
          "IndexKeySpecsConflict",
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(s)}`,
        );
      }
      if (optionsKey(s) !== optionsKey(spec)) {
        throw mongoError(
          "IndexOptionsConflict",
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(s)}`,
        );
      }
      continue;
    }
    if (sameKey) {
      if (optionsKey(sameKey.spec) === optionsKey(spec)) {
        throw mongoError(
          "IndexOptionsConflict",
          `Index already exists with a different name: ${sameKey.name}`,
        );
      }
      throw mongoError(
        "IndexKeySpecsConflict",
        `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameKey.spec)}`,
      );
    }
    toBuild.push(spec);
  }
  for (const spec of toBuild) coll.addIndex(spec);
  const reply: Doc = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.length,
  };
  if (!existed) reply.createdCollectionAutomatically = true;
  else if (toBuild.length === 0) reply.note = "all indexes already exist";
  if (existed) reply.createdCollectionAutomatically = false;
  reply.ok = 1;
  return reply;
};

export const listIndexes: CommandHandler = (cmd, ctx) => {
  checkFields("listIndexes", cmd, ["listIndexes", "cursor", "includeBuildUUIDs", "includeIndexBuildInfo"]);
  const name = collectionName("listIndexes", cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  if (!coll) throw mongoError("NamespaceNotFound", `ns does not exist: ${ctx.db}.${name}`);
  const cursor = optional<Doc>("listIndexes", cmd, "cursor", "object");
  const docs = coll.indexes.map((i) => ({ ...i.spec }) as Doc);
  return ctx.cursors.firstBatch(
    `${ctx.db}.$cmd.listIndexes.${name}`,
    docs,
    cursor?.batchSize as number | undefined,
  );
};

export const dropIndexes: CommandHandler = (cmd, ctx) => {
  checkFields("dropIndexes", cmd, ["dropIndexes", "index"]);
  const name = collectionName("dropIndexes", cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  if (!coll) throw mongoError("NamespaceNotFound", `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length;
  const which = cmd.index;
  const names: string[] = [];
  const resolve = (w: unknown): string => {
    if (typeof w === "string") {
      if (!coll.findIndex(w)) throw mongoError("IndexNotFound", `index not found with name [${w}]`);
      return w;
    }
    if (isPlainObject(w)) {
      const ix = coll.indexes.find((i) => encodeKey(i.spec.key) === encodeKey(w));
      if (!ix) throw mongoError("IndexNotFound", `can't find index with key: ${JSON.stringify(w)}`);
      return ix.name;
    }
    throw mongoError("TypeMismatch", "BSON field 'dropIndexes.index' is the wrong type");
  };
  if (which === "*") names.push(...coll.indexes.slice(1).map((i) => i.name));
  else if (Array.isArray(which)) names.push(...which.map(resolve));
  else names.push(resolve(which));
  for (const n of names) {
    if (n === "_id_") throw mongoError("InvalidOptions", "cannot drop _id index");
  }
  for (const n of names) coll.removeIndex(n);
  return { nIndexesWas, ok: 1 };
};
