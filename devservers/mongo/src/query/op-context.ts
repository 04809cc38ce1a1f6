import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { mongoError, toServerError } from "../errors";
import { type Collation, parseCollation } from "./collation";
import { BSON_OPTIONS } from "./mingo-options";
import { type Doc, isPlainObject } from "./paths";

/**
 * What an operation adds to how its filters, sorts and expressions evaluate: the `$$name`
 * variables of its `let` (and an update statement's `c`), and its collation.
 */
export interface QueryContext {
  variables?: Doc;
  collation?: Collation;
}

/** mingo options carrying a context (empty for the default). */
export function mingoExtras(q: QueryContext | undefined): Partial<Options> {
  if (!q) return {};
  return {
    ...(q.variables ? { variables: q.variables } : {}),
    ...(q.collation ? { collation: q.collation as never } : {}),
  };
}

/** A context from a command's `let` and `collation` fields (validated as mongod does). */
export function queryContext(cmdName: string, cmd: Doc, letField = "let"): QueryContext | undefined {
  const variables = parseLet(cmdName, cmd[letField], letField);
  const collation = parseCollation(cmd.collation, `${cmdName}.collation`);
  return variables || collation ? { variables, collation } : undefined;
}

/** Adds an update statement's own constants (`c`) and collation to the command's context. */
export function statementContext(
  base: QueryContext | undefined,
  cmdName: string,
  s: Doc,
): QueryContext | undefined {
  const c = parseLet(cmdName, s.c, "c");
  const collation =
    s.collation !== undefined ? parseCollation(s.collation, `${cmdName}.collation`) : undefined;
  if (!c && !collation) return base;
  return {
    variables: c ? { ...base?.variables, ...c } : base?.variables,
    collation: s.collation !== undefined ? collation : base?.collation,
  };
}

/**
 * `let: {name: <expression>}`: names checked like mongod's user variables, each expression
 * evaluated once, without a document (constants, `$$NOW`, `$literal`, earlier variables…).
 */
export function parseLet(cmdName: string, raw: unknown, field = "let"): Doc | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    throw mongoError(
      "TypeMismatch",
      `BSON field '${cmdName}.${field}' is the wrong type '${Array.isArray(raw) ? "array" : typeof raw}', expected type 'object'`,
    );
  }
  const variables: Doc = {};
  for (const [name, expr] of Object.entries(raw)) {
    validateVariableName(name);
    try {
      variables[name] = evalExpr({}, expr, { ...BSON_OPTIONS, variables } as never) ?? null;
    } catch (err) {
      throw toServerError(err);
    }
  }
  return variables;
}

function validateVariableName(name: string): void {
  if (name.length === 0) throw mongoError("Location16866", "empty variable names are not allowed");
  const first = name.charCodeAt(0);
  if (!((first >= 97 && first <= 122) || first >= 0x80)) {
    throw mongoError("Location16867", `'${name}' starts with an invalid character for a user variable name`);
  }
  for (const ch of name.slice(1)) {
    if (!/[A-Za-z0-9_]/.test(ch) && ch.charCodeAt(0) < 0x80) {
      throw mongoError(
        "Location16868",
        `'${name}' contains an invalid character for a variable name: '${ch}'`,
      );
    }
  }
}
