import { Long } from "bson";
import { mongoError } from "../errors";
import { queryExecutorMetrics } from "../query/metrics";
import type { CommandHandler, Doc } from "./context";

const startedAt = Date.now();

/**
 * The handshake answer. `logicalSessionTimeoutMinutes`: sessions, as on a standalone mongod
 * (drivers send an `lsid`; transactions and retryable writes stay replica-set only). No
 * `topologyVersion` (drivers then poll with plain hello instead of the streaming exhaust protocol).
 */
export function helloReply(connectionId: number, legacy: boolean): Doc {
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: 16777216,
    maxMessageSizeBytes: 48000000,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

export const hello: CommandHandler = (_cmd, ctx) => helloReply(ctx.connectionId, false);
export const isMaster: CommandHandler = (_cmd, ctx) => helloReply(ctx.connectionId, true);

export const ping: CommandHandler = () => ({ ok: 1 });

export const buildInfo: CommandHandler = () => ({
  version: "7.0.0",
  gitVersion: "conduit-embedded",
  versionArray: [7, 0, 0, 0],
  modules: [],
  allocator: "system",
  javascriptEngine: "none",
  sysInfo: "deprecated",
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16777216,
  storageEngines: ["conduit-journal"],
  ok: 1,
});

export const serverStatus: CommandHandler = (_cmd, ctx) => {
  const mem = process.memoryUsage();
  return {
    host: "127.0.0.1",
    version: "7.0.0",
    process: "mongod",
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor((Date.now() - startedAt) / 1000),
    uptimeMillis: Long.fromNumber(Date.now() - startedAt),
    localTime: new Date(),
    connections: { current: ctx.connectionCount?.() ?? 0 },
    mem: {
      bits: 64,
      resident: Math.round(mem.rss / 1048576),
      virtual: 0,
      supported: true,
      // Not in mongod: where the resident memory goes (V8 heap vs. document buffers).
      heapUsedMB: Math.round(mem.heapUsed / 1048576),
      externalMB: Math.round(mem.external / 1048576),
    },
    metrics: {
      cursor: { open: { total: ctx.cursors.size } },
      queryExecutor: {
        scanned: Long.fromNumber(queryExecutorMetrics.scanned),
        scannedObjects: Long.fromNumber(queryExecutorMetrics.scannedObjects),
      },
    },
    ok: 1,
  };
};

/** `commitTransaction`/`abortTransaction` on a standalone: there are no transactions to end. */
export const noTransactions: CommandHandler = () => {
  throw mongoError(
    "IllegalOperation",
    "Transaction numbers are only allowed on a replica set member or mongos",
  );
};

export const endSessions: CommandHandler = (cmd, ctx) => {
  if (Array.isArray(cmd.endSessions)) ctx.sessions?.end(cmd.endSessions);
  return { ok: 1 };
};
export const hostInfo: CommandHandler = () => ({
  system: { currentTime: new Date(), hostname: "127.0.0.1", numCores: 2 },
  os: { type: process.platform },
  extra: {},
  ok: 1,
});
export const getParameter: CommandHandler = () => ({
  featureCompatibilityVersion: { version: "7.0" },
  ok: 1,
});
export const getCmdLineOpts: CommandHandler = () => ({ argv: ["mongod"], parsed: {}, ok: 1 });
export const whatsmyuri: CommandHandler = () => ({ you: "127.0.0.1", ok: 1 });
export const connectionStatus: CommandHandler = () => ({
  authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] },
  ok: 1,
});
