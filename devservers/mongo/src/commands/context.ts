import type { StorageEngine } from "../storage/engine";
import type { CursorStore } from "./cursor-store";

export type Doc = Record<string, unknown>;

export interface CommandContext {
  engine: StorageEngine;
  cursors: CursorStore;
  connectionId: number;
  /** The database the command runs against (`$db`). */
  db: string;
  connectionCount?: () => number;
  /** `insert` only: the documents as sent, with their exact number types. */
  exactDocuments?: Doc[];
}

export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;
