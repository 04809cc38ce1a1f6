import { type Document, deserialize } from "bson";
import type { Doc } from "../query/paths";
import type { CommandContext } from "./context";

/** Int32, Long and Double stay wrappers: an update stores the type the client sent. */
const EXACT = { promoteLongs: false, promoteValues: false, promoteBuffers: false } as const;

/** The command document decoded from the request bytes with exact number types. */
export function exactCommand(ctx: CommandContext): Document | undefined {
  return ctx.exactBytes && deserialize(ctx.exactBytes.body, EXACT);
}

/**
 * `update`'s statements with exact number types, in the order the promoted command lists them
 * (the body's `updates`, then the kind-1 sequence); undefined if they cannot be paired with it.
 */
export function exactUpdateStatements(ctx: CommandContext, count: number): Doc[] | undefined {
  const body = exactCommand(ctx);
  if (!body) return undefined;
  const inBody: Doc[] = Array.isArray(body.updates) ? body.updates : [];
  const all = [...inBody, ...ctx.exactBytes!.updates.map((b) => deserialize(b, EXACT) as Doc)];
  return all.length === count ? all : undefined;
}
