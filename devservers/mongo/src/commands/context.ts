import type { StorageEngine } from "../storage/engine";
import type { ExactCommandBytes } from "../wire/op-msg";
import type { CursorStore } from "./cursor-store";
import type { SessionCache } from "./sessions";

export type Doc = Record<string, unknown>;

export interface CommandContext {
  engine: StorageEngine;
  cursors: CursorStore;
  connectionId: number;
  /** The database the command runs against (`$db`). */
  db: string;
  connectionCount?: () => number;
  /** The logical sessions seen (`lsid`), for `$listLocalSessions` and `endSessions`. */
  sessions?: SessionCache;
  /** `insert` only: each document's BSON bytes exactly as sent. */
  insertBytes?: Buffer[];
  /** `update` / `findAndModify` only: the request's bytes, for operands with their exact types. */
  exactBytes?: ExactCommandBytes;
}

export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;
