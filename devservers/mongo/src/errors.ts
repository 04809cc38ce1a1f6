/** A command failure answered as `{ok: 0, errmsg, code, codeName}`, exactly like mongod. */
export class MongoServerError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

const CODES = {
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NoSuchKey: 4,
  Unauthorized: 13,
  CannotCreateIndex: 67,
  InvalidPipelineOperator: 168,
  Location40324: 40324,
  Location40573: 40573,
  Location40415: 40415,
  Location40414: 40414,
  DuplicateKey: 11000,
  Location31254: 31254,
  Location31253: 31253,
  Location17419: 17419,
  Location15998: 15998,
  Location40323: 40323,
  NotImplemented: 238,
  UnsupportedFormat: 12,
  IncompatibleCollationVersion: 161,
  MergeStageNoMatchingDocument: 13113,
  InvalidIndexSpecificationOption: 197,
} as const;

/** A named code, or mongod's `Location<code>` for assertions that only have a number. */
export type CodeName = keyof typeof CODES | `Location${number}`;

export function mongoError(codeName: CodeName, message: string, extra?: Record<string, unknown>) {
  const code = (CODES as Record<string, number>)[codeName] ?? Number(codeName.slice("Location".length));
  return new MongoServerError(code, codeName, message, extra);
}

/** mingo and our own code throw plain Errors for bad operators; map them to mongod's codes. */
export function toServerError(err: unknown): MongoServerError {
  if (err instanceof MongoServerError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  let m = /Use of undefined variable: (\S+)/.exec(msg);
  if (m) return mongoError("Location17276", `Use of undefined variable: ${m[1]}`);
  m = /unknown query operator (\$\w+)/.exec(msg);
  if (m) return mongoError("BadValue", `unknown operator: ${m[1]}`);
  m = /unregistered pipeline operator (\$\w+)/.exec(msg);
  if (m) return mongoError("Location40324", `Unrecognized pipeline stage name: '${m[1]}'`);
  m = /(?:unknown|unregistered) (?:expression|accumulator|projection|window)? ?operator (\$\w+)/i.exec(msg);
  if (m) return mongoError("InvalidPipelineOperator", `Unrecognized expression '${m[1]}'`);
  return mongoError("BadValue", msg);
}
