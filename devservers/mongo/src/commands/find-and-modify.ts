import { mongoError } from "../errors";
import { runQuery } from "../query/execute";
import { exactStored } from "../query/number-types";
import { queryContext } from "../query/op-context";
import { type Doc, isPlainObject } from "../query/paths";
import { compileProjection } from "../query/projection";
import { parseSort } from "../query/sort";
import type { CommandHandler } from "./context";
import { exactCommand } from "./exact-operands";
import { indexHint } from "./read";
import { checkFields, checkHint, collectionName, optional } from "./validate";
import { updateOne } from "./write";

export const findAndModify: CommandHandler = (cmd, ctx) => {
  const cmdName = Object.keys(cmd)[0]!;
  checkFields(cmdName, cmd, [
    cmdName,
    "query",
    "sort",
    "remove",
    "update",
    "new",
    "fields",
    "upsert",
    "bypassDocumentValidation",
    "arrayFilters",
    "hint",
    "collation",
    "let",
  ]);
  const name = collectionName(cmdName, cmd);
  const query = optional<Doc>(cmdName, cmd, "query", "object") ?? {};
  const sort = optional<Doc>(cmdName, cmd, "sort", "object");
  const remove = optional<boolean>(cmdName, cmd, "remove", "bool") ?? false;
  const returnNew = optional<boolean>(cmdName, cmd, "new", "bool") ?? false;
  const upsert = optional<boolean>(cmdName, cmd, "upsert", "bool") ?? false;
  const fields = optional<Doc>(cmdName, cmd, "fields", "object");
  const project = compileProjection(fields, query);
  const qctx = queryContext(cmdName, cmd);
  const coll = ctx.engine.catalog.collection(ctx.db, name);
  if (coll && cmd.hint !== undefined) checkHint(coll, cmd.hint);
  // The document comes back with its exact number types, and so does its projection.
  const shape = (exact: Doc | undefined) => (exact ? (project ? project.exact(exact) : exact) : null);

  if (remove) {
    if (cmd.update !== undefined) {
      throw mongoError("FailedToParse", "Cannot specify both an update and remove=true");
    }
    if (upsert) throw mongoError("FailedToParse", "Cannot specify both upsert=true and remove=true");
    if (returnNew)
      throw mongoError(
        "FailedToParse",
        "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
      );
    const [doc] = runQuery(coll, {
      filter: query,
      sort: parseSort(sort),
      limit: 1,
      hint: indexHint(cmd.hint),
      ctx: qctx,
    });
    if (doc) coll!.delete(doc._id);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: shape(doc && (exactStored(doc) ?? doc)), ok: 1 };
  }
  if (cmd.update === undefined)
    throw mongoError("FailedToParse", "Either an update or remove=true must be specified");
  if (!isPlainObject(cmd.update) && !Array.isArray(cmd.update)) {
    throw mongoError("FailedToParse", "Update argument must be either an object or an array");
  }
  const exact = exactCommand(ctx);
  const r = updateOne(
    ctx,
    name,
    {
      q: query,
      u: cmd.update,
      upsert,
      sort,
      arrayFilters: cmd.arrayFilters as Doc[] | undefined,
      hint: cmd.hint,
    },
    exact && { q: exact.query, u: exact.update },
    qctx,
  );
  const lastErrorObject: Doc = {
    n: r.upsertedId !== undefined ? 1 : r.matched,
    updatedExisting: r.matched > 0,
  };
  if (r.upsertedId !== undefined) lastErrorObject.upserted = r.upsertedId;
  const value = returnNew ? r.after : r.upsertedId !== undefined ? undefined : r.before;
  return { lastErrorObject, value: shape(value), ok: 1 };
};
