import fs from "node:fs";
import { mongoError, toServerError } from "../errors";
import { bsonAggregator } from "../query/mingo-options";
import { type Doc, isPlainObject } from "../query/paths";
import type { Collection } from "../storage/collection";
import type { CommandContext, CommandHandler } from "./context";
import { checkFields, collectionName, optional } from "./validate";

const PAGE = 4096;

function roundUpToPages(bytes: number): number {
  return Math.max(PAGE, Math.ceil(bytes / PAGE) * PAGE);
}

/** Sizes of one collection. Counts and `dataSize` (the stored BSON bytes) are exact. */
interface CollSizes {
  count: number;
  dataSize: number;
  /** Estimated: the data in 4 KB pages, as an uncompressed record store would hold it. */
  storageSize: number;
  /** Estimated: ≈40 bytes per index entry, in 4 KB pages. */
  indexSizes: [string, number][];
  indexSize: number;
}

function sizesOf(coll: Collection): CollSizes {
  let dataSize = 0;
  for (const bytes of coll.docs.rawValues()) dataSize += bytes.length;
  const indexSizes = coll.indexes.map((ix, i): [string, number] => {
    // The `_id` index builds its sorted entries lazily: it holds one entry per document.
    const entries = i === 0 ? coll.docs.size : ix.size;
    return [ix.name, roundUpToPages(entries * 40)];
  });
  return {
    count: coll.docs.size,
    dataSize,
    storageSize: roundUpToPages(dataSize),
    indexSizes,
    indexSize: indexSizes.reduce((sum, [, n]) => sum + n, 0),
  };
}

/** `scale`: a positive integer, as mongod's IDL validator (`gte: 1`) demands. */
function scaleOf(command: string, cmd: Doc): number {
  const scale = optional<number>(command, cmd, "scale", "number");
  if (scale === undefined) return 1;
  const n = Math.trunc(scale);
  if (n < 1) throw mongoError("Location51024", `BSON field 'scale' value must be >= 1, actual value '${n}'`);
  return n;
}

/** The fields of mongod 7.0's `appendCollectionStorageStats`, in its order. */
function storageStats(coll: Collection | undefined, scale: number): Doc {
  if (!coll) {
    return {
      size: 0,
      count: 0,
      numOrphanDocs: 0,
      storageSize: 0,
      totalSize: 0,
      nindexes: 0,
      totalIndexSize: 0,
      indexDetails: {},
      indexSizes: {},
      scaleFactor: scale,
    };
  }
  const s = sizesOf(coll);
  const out: Doc = { size: Math.floor(s.dataSize / scale), count: s.count };
  if (s.count) out.avgObjSize = Math.floor(s.dataSize / s.count);
  Object.assign(out, {
    numOrphanDocs: 0,
    storageSize: Math.floor(s.storageSize / scale),
    freeStorageSize: 0,
    capped: false,
    nindexes: coll.indexes.length,
    indexDetails: {},
    indexBuilds: [],
    totalIndexSize: Math.floor(s.indexSize / scale),
    indexSizes: Object.fromEntries(s.indexSizes.map(([name, n]) => [name, Math.floor(n / scale)])),
    totalSize: Math.floor((s.storageSize + s.indexSize) / scale),
    scaleFactor: scale,
  });
  return out;
}

/** Deprecated in 7.0 but still answered; a missing collection gives zeros and ok: 1, as mongod. */
export const collStats: CommandHandler = (cmd, ctx) => {
  checkFields("collStats", cmd, ["scale", "verbose", "waitForLock", "numericOnly"]);
  const name = collectionName("collStats", cmd);
  const scale = scaleOf("collStats", cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  return { ns: `${ctx.db}.${name}`, ...storageStats(coll, scale), ok: 1 };
};

function fsSizes(dbpath: string, scale: number): Doc {
  try {
    const st = fs.statfsSync(dbpath);
    return {
      fsUsedSize: Math.floor(((st.blocks - st.bfree) * st.bsize) / scale),
      fsTotalSize: Math.floor((st.blocks * st.bsize) / scale),
    };
  } catch {
    return { fsUsedSize: 0, fsTotalSize: 0 };
  }
}

export const dbStats: CommandHandler = (cmd, ctx) => {
  checkFields("dbStats", cmd, ["dbStats", "scale", "freeStorage"]);
  const scale = scaleOf("dbStats", cmd);
  const colls = ctx.engine.catalog.collections(ctx.db);
  let objects = 0;
  let dataSize = 0;
  let storageSize = 0;
  let indexes = 0;
  let indexSize = 0;
  for (const coll of colls) {
    const s = sizesOf(coll);
    objects += s.count;
    dataSize += s.dataSize;
    storageSize += s.storageSize;
    indexes += coll.indexes.length;
    indexSize += s.indexSize;
  }
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    // A double in mongod (dataSize / objects, unscaled).
    avgObjSize: objects === 0 ? 0 : dataSize / objects,
    dataSize: Math.floor(dataSize / scale),
    storageSize: Math.floor(storageSize / scale),
    indexes,
    indexSize: Math.floor(indexSize / scale),
    totalSize: Math.floor((storageSize + indexSize) / scale),
    scaleFactor: scale,
    ...fsSizes(ctx.engine.dbpath, scale),
    ok: 1,
  };
};

const AGG_PREFIX = "PlanExecutor error during aggregation :: caused by :: ";

/**
 * `$collStats` as the first stage: one document `{ns, host, localTime, storageStats?, count?}`,
 * then the rest of the pipeline over it. `latencyStats` and `queryExecStats` are refused (238).
 */
export function collStatsPipeline(ctx: CommandContext, name: string, spec: unknown, rest: Doc[]): Doc[] {
  if (!isPlainObject(spec)) {
    throw mongoError(
      "Location5447000",
      `$collStats must take a nested object but found: $collStats: ${JSON.stringify(spec)}`,
    );
  }
  for (const key of Object.keys(spec)) {
    if (key === "latencyStats" || key === "queryExecStats") {
      throw mongoError("NotImplemented", `$collStats '${key}' is not supported by this server`);
    }
    if (key !== "storageStats" && key !== "count") {
      throw mongoError("Location40415", `BSON field '$collStats.${key}' is an unknown field.`);
    }
  }
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  const ns = `${ctx.db}.${name}`;
  const notFound = (what: string) =>
    mongoError(
      "NamespaceNotFound",
      `${AGG_PREFIX}Unable to retrieve ${what} in $collStats stage :: caused by :: Collection [${ns}] not found.`,
    );
  const out: Doc = { ns, host: "127.0.0.1", localTime: new Date() };
  if (spec.storageStats !== undefined) {
    if (!coll) throw notFound("storageStats");
    const opts = isPlainObject(spec.storageStats) ? spec.storageStats : {};
    out.storageStats = storageStats(coll, scaleOf("storageStats", opts));
  }
  if (spec.count !== undefined) {
    if (!coll) throw notFound("count");
    out.count = coll.docs.size;
  }
  if (!rest.length) return [out];
  try {
    return bsonAggregator(rest).run([out]) as Doc[];
  } catch (err) {
    throw toServerError(err);
  }
}
