import * as admin from "./admin";
import { aggregate } from "./aggregate";
import { collMod } from "./coll-mod";
import * as collections from "./collections";
import type { CommandHandler } from "./context";
import { explain } from "./explain";
import { findAndModify } from "./find-and-modify";
import * as indexes from "./indexes";
import * as read from "./read";
import { renameCollection } from "./rename";
import * as stats from "./stats";
import * as write from "./write";

/** Command name (first key of the command document) → handler. Names are case-sensitive. */
export const COMMANDS: Record<string, CommandHandler> = {
  hello: admin.hello,
  isMaster: admin.isMaster,
  ismaster: admin.isMaster,
  ping: admin.ping,
  buildInfo: admin.buildInfo,
  buildinfo: admin.buildInfo,
  serverStatus: admin.serverStatus,
  endSessions: admin.endSessions,
  hostInfo: admin.hostInfo,
  getParameter: admin.getParameter,
  getCmdLineOpts: admin.getCmdLineOpts,
  whatsmyuri: admin.whatsmyuri,
  connectionStatus: admin.connectionStatus,
  listDatabases: collections.listDatabases,
  dropDatabase: collections.dropDatabase,
  create: collections.create,
  drop: collections.drop,
  listCollections: collections.listCollections,
  createIndexes: indexes.createIndexes,
  listIndexes: indexes.listIndexes,
  dropIndexes: indexes.dropIndexes,
  deleteIndexes: indexes.dropIndexes,
  insert: write.insert,
  update: write.update,
  delete: write.remove,
  findAndModify,
  findandmodify: findAndModify,
  find: read.find,
  getMore: read.getMore,
  killCursors: read.killCursors,
  count: read.count,
  distinct: read.distinct,
  aggregate,
  explain,
  renameCollection,
  dbStats: stats.dbStats,
  dbstats: stats.dbStats,
  collStats: stats.collStats,
  collstats: stats.collStats,
  collMod,
  commitTransaction: admin.noTransactions,
  abortTransaction: admin.noTransactions,
};

/** Commands that change data: their reply waits for the journal to be durable. */
export const WRITE_COMMANDS = new Set([
  "insert",
  "update",
  "delete",
  "findAndModify",
  "findandmodify",
  "create",
  "drop",
  "dropDatabase",
  "createIndexes",
  "dropIndexes",
  "deleteIndexes",
  "renameCollection",
  "collMod",
]);
