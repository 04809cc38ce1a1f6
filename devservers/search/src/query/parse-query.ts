import { type Analyzer, analyzerByName, STANDARD } from "../analysis/analyzers";
import { esError, parsingError, unsupported } from "../errors";
import { parseDateMath } from "../mapping/dates";
import { type FieldDef, INTEGER_TYPES, NUMERIC_TYPES } from "../mapping/field-def";
import { coerceLeaf, type Mapping, wildcardRegex } from "../mapping/mapping";
import type { Query } from "./ast";
import { minShouldMatch } from "./min-should-match";

/** The index a query is compiled for (mapping-dependent failures are that shard's). */
export interface QueryContext {
  mapping: Mapping;
  index: string;
  uuid: string;
  now: number;
}

type Json = Record<string, unknown>;

/** Queries Elasticsearch has and this server does not implement: a 400 that names them. */
const UNSUPPORTED_QUERIES = new Set([
  "prefix",
  "wildcard",
  "regexp",
  "fuzzy",
  "query_string",
  "simple_query_string",
  "nested",
  "has_child",
  "has_parent",
  "parent_id",
  "function_score",
  "script_score",
  "script",
  "boosting",
  "more_like_this",
  "terms_set",
  "intervals",
  "span_term",
  "span_near",
  "span_or",
  "span_not",
  "span_first",
  "span_multi",
  "span_containing",
  "span_within",
  "field_masking_span",
  "match_bool_prefix",
  "match_phrase_prefix",
  "combined_fields",
  "geo_bounding_box",
  "geo_distance",
  "geo_grid",
  "geo_polygon",
  "geo_shape",
  "shape",
  "distance_feature",
  "rank_feature",
  "pinned",
  "percolate",
  "wrapper",
  "knn",
  "semantic",
  "sparse_vector",
  "text_expansion",
  "weighted_tokens",
  "rule",
  "type",
]);

/** A failure creating the query on the shard (a mapping-dependent problem). */
export function queryShardError(ctx: QueryContext, reason: string) {
  return esError(400, "query_shard_exception", reason, { index_uuid: ctx.uuid, index: ctx.index });
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function oneKey(json: unknown, where: string): [string, unknown] {
  if (!isObject(json)) throw parsingError(`[${where}] query malformed, no start_object after query name`);
  const keys = Object.keys(json);
  if (keys.length === 0) throw parsingError(`query malformed, empty clause found`);
  if (keys.length > 1) {
    throw parsingError(`[${keys[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  }
  return [keys[0]!, json[keys[0]!]];
}

function num(v: unknown, what: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw parsingError(`[${what}] failed to parse value [${String(v)}] as a number`);
  return n;
}

function boostOf(o: Json, query: string): number {
  if (o.boost === undefined) return 1;
  const b = num(o.boost, `${query}] [boost`);
  if (b < 0)
    throw esError(
      400,
      "illegal_argument_exception",
      `negative [boost] are not allowed in [${query}], but got [${b}]`,
    );
  return Math.fround(b);
}

function checkKeys(o: Json, query: string, allowed: string[]): void {
  // Named queries add `matched_queries` to hits in Elasticsearch; refused rather than ignored.
  if (o._name !== undefined) throw unsupported("named queries ([_name])");
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw parsingError(`[${query}] query does not support [${k}]`);
  }
}

/** `{field: value}` or `{field: {value…, boost…}}` as term-level queries take them. */
function fieldAndBody(o: unknown, query: string, valueKey: string): { field: string; body: Json } {
  if (!isObject(o)) throw parsingError(`[${query}] query malformed, no start_object after query name`);
  const keys = Object.keys(o).filter((k) => k !== "boost" && k !== "_name");
  if (keys.length === 0) throw parsingError(`[${query}] query doesn't support multiple fields, found none`);
  if (keys.length > 1) {
    throw parsingError(
      `[${query}] query doesn't support multiple fields, found [${keys[0]}] and [${keys[1]}]`,
    );
  }
  const field = keys[0]!;
  const v = o[field];
  const body: Json = isObject(v) ? { ...v } : { [valueKey]: v };
  if (o.boost !== undefined && body.boost === undefined) body.boost = o.boost;
  return { field, body };
}

export function parseQuery(json: unknown, ctx: QueryContext): Query {
  const [type, body] = oneKey(json, "query");
  switch (type) {
    case "match_all": {
      const o = isObject(body) ? body : {};
      checkKeys(o, type, ["boost", "_name"]);
      return { kind: "all", boost: boostOf(o, type) };
    }
    case "match_none":
      return { kind: "none" };
    case "bool":
      return parseBool(body, ctx);
    case "term":
      return parseTerm(body, ctx);
    case "terms":
      return parseTerms(body, ctx);
    case "match":
      return parseMatch(body, ctx);
    case "match_phrase":
      return parseMatchPhrase(body, ctx);
    case "multi_match":
      return parseMultiMatch(body, ctx);
    case "range":
      return parseRange(body, ctx);
    case "exists":
      return parseExists(body, ctx);
    case "ids":
      return parseIds(body);
    case "constant_score": {
      if (!isObject(body)) throw parsingError("[constant_score] query malformed");
      checkKeys(body, type, ["filter", "boost", "_name"]);
      if (body.filter === undefined) throw parsingError("[constant_score] requires a 'filter' element");
      return { kind: "constant", filter: parseQuery(body.filter, ctx), boost: boostOf(body, type) };
    }
    case "dis_max": {
      if (!isObject(body)) throw parsingError("[dis_max] query malformed");
      checkKeys(body, type, ["queries", "tie_breaker", "boost", "_name"]);
      const list = Array.isArray(body.queries)
        ? body.queries
        : body.queries === undefined
          ? []
          : [body.queries];
      if (list.length === 0)
        throw parsingError("[dis_max] requires 'queries' field with at least one clause");
      return {
        kind: "dis_max",
        queries: list.map((q) => parseQuery(q, ctx)),
        tieBreaker: body.tie_breaker === undefined ? 0 : Math.fround(num(body.tie_breaker, "tie_breaker")),
        boost: boostOf(body, type),
      };
    }
    default:
      if (UNSUPPORTED_QUERIES.has(type)) throw unsupported(`query [${type}]`);
      throw esError(400, "parsing_exception", `unknown query [${type}]`, {
        line: 1,
        col: 1,
        caused_by: { type: "named_object_not_found_exception", reason: `[1:1] unknown field [${type}]` },
      });
  }
}

function clauses(v: unknown, ctx: QueryContext): Query[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((q) => parseQuery(q, ctx));
}

function parseBool(body: unknown, ctx: QueryContext): Query {
  if (!isObject(body)) throw parsingError("[bool] query malformed, no start_object after query name");
  checkKeys(body, "bool", [
    "must",
    "should",
    "filter",
    "must_not",
    "minimum_should_match",
    "boost",
    "_name",
    "adjust_pure_negative",
  ]);
  const must = clauses(body.must, ctx);
  const should = clauses(body.should, ctx);
  const filter = clauses(body.filter, ctx);
  const mustNot = clauses(body.must_not, ctx);
  const boost = boostOf(body, "bool");
  if (must.length + should.length + filter.length + mustNot.length === 0) return { kind: "all", boost };
  // Without must/filter, one should clause has to match; with them, should clauses only add score.
  const msm =
    body.minimum_should_match !== undefined
      ? minShouldMatch(should.length, body.minimum_should_match)
      : must.length + filter.length === 0 && should.length > 0
        ? 1
        : 0;
  return { kind: "bool", must, should, filter, mustNot, minShouldMatch: msm, boost };
}

function fieldDef(ctx: QueryContext, field: string): FieldDef | undefined {
  return ctx.mapping.fields.get(field);
}

/** A query value as the field stores it (the term of a keyword, a number, a date's epoch ms). */
function termValue(
  def: FieldDef,
  value: unknown,
  ctx: QueryContext,
  lenient = false,
): string | number | null {
  if (value === null || value === undefined || (typeof value === "object" && !Array.isArray(value))) {
    throw parsingError(`[term] query does not support [${JSON.stringify(value)}] as a value`);
  }
  if (def.type === "text" || def.type === "keyword") return String(value);
  if (def.type === "boolean") {
    if (value === true || value === "true") return "true";
    if (value === false || value === "false" || value === "") return "false";
    if (lenient) return null;
    throw queryShardError(
      ctx,
      `failed to create query: Can't parse boolean value [${String(value)}], expected [true] or [false]`,
    );
  }
  if (def.type === "date") {
    const t = parseDateMath(value, def.format!, false, ctx.now);
    if (t === null) {
      if (lenient) return null;
      throw queryShardError(
        ctx,
        `failed to create query: failed to parse date field [${String(value)}] with format [${def.format}]`,
      );
    }
    return t;
  }
  if (NUMERIC_TYPES.has(def.type)) {
    const n = typeof value === "number" ? value : Number(value);
    if (
      typeof value === "boolean" ||
      (typeof value === "string" && value.trim() === "") ||
      !Number.isFinite(n)
    ) {
      if (lenient) return null;
      throw queryShardError(ctx, `failed to create query: For input string: "${String(value)}"`);
    }
    if (INTEGER_TYPES.has(def.type) && !Number.isInteger(n)) return Number.NaN; // 1.5 on a long matches nothing
    return coerceLeaf(def, n, "") as number;
  }
  throw queryShardError(ctx, `field [${def.path}] of type [${def.type}] does not support term queries`);
}

function termQuery(
  def: FieldDef,
  value: unknown,
  boost: number,
  ctx: QueryContext,
  caseInsensitive = false,
  lenient = false,
): Query {
  if (def.type === "dense_vector") {
    throw queryShardError(ctx, `[dense_vector] fields do not support term queries`);
  }
  const v = termValue(def, value, ctx, lenient);
  if (v === null) return { kind: "none" };
  if (typeof v === "number") {
    if (Number.isNaN(v)) return { kind: "none" };
    if (def.type === "date") {
      // A date term covers what its text names: "2024-01-01" is that whole day.
      const hi = parseDateMath(value, def.format!, true, ctx.now)!;
      return { kind: "numeric_range", def, lo: v, hi, loInclusive: true, hiInclusive: true, boost };
    }
    return { kind: "numeric_terms", def, values: [v], boost };
  }
  if (caseInsensitive) return { kind: "terms", def, terms: [v], caseInsensitive: true, boost };
  return { kind: "term", def, term: v, boost };
}

function parseTerm(body: unknown, ctx: QueryContext): Query {
  const { field, body: o } = fieldAndBody(body, "term", "value");
  checkKeys(o, "term", ["value", "boost", "case_insensitive", "_name"]);
  if (o.value === undefined) throw parsingError("[term] query requires a [value]");
  const boost = boostOf(o, "term");
  if (field === "_id") return { kind: "ids", ids: [String(o.value)], boost };
  const def = fieldDef(ctx, field);
  if (!def) return { kind: "none" };
  return termQuery(def, o.value, boost, ctx, o.case_insensitive === true);
}

function parseTerms(body: unknown, ctx: QueryContext): Query {
  if (!isObject(body)) throw parsingError("[terms] query malformed");
  const fields = Object.keys(body).filter((k) => k !== "boost" && k !== "_name");
  if (fields.length !== 1) {
    throw parsingError(
      `[terms] query does not support multiple fields, found [${fields[0]}] and [${fields[1]}]`,
    );
  }
  const field = fields[0]!;
  const values = body[field];
  if (!Array.isArray(values)) {
    if (isObject(values)) throw unsupported("[terms] lookup");
    throw parsingError(`[terms] query does not support [${field}]`);
  }
  const boost = boostOf(body, "terms");
  if (field === "_id") return { kind: "ids", ids: values.map(String), boost };
  const def = fieldDef(ctx, field);
  if (!def || values.length === 0) return { kind: "none" };
  if (def.type === "text" || def.type === "keyword" || def.type === "boolean") {
    const terms = values.map((v) => termValue(def, v, ctx)).filter((v): v is string => typeof v === "string");
    return { kind: "terms", def, terms, caseInsensitive: false, boost };
  }
  if (def.type === "date") {
    return {
      kind: "bool",
      must: [],
      filter: [],
      mustNot: [],
      should: values.map((v) => termQuery(def, v, 1, ctx)),
      minShouldMatch: 1,
      boost,
    };
  }
  const nums = values
    .map((v) => termValue(def, v, ctx))
    .filter((v): v is number => typeof v === "number" && !Number.isNaN(v));
  return { kind: "numeric_terms", def, values: nums, boost };
}

interface MatchOptions {
  operator: "or" | "and";
  minimumShouldMatch?: unknown;
  analyzer?: Analyzer;
  zeroTermsAll: boolean;
  lenient: boolean;
  boost: number;
}

function matchOptions(o: Json, query: string): MatchOptions {
  const operator = String(o.operator ?? "or").toLowerCase();
  if (operator !== "or" && operator !== "and") {
    throw esError(
      400,
      "illegal_argument_exception",
      `No enum constant org.elasticsearch.index.query.Operator.${operator.toUpperCase()}`,
    );
  }
  if (o.fuzziness !== undefined && String(o.fuzziness) !== "0")
    throw unsupported(`[${query}] option [fuzziness]`);
  const zero = String(o.zero_terms_query ?? "none").toLowerCase();
  if (zero !== "none" && zero !== "all")
    throw parsingError(`[${query}] Unsupported zero_terms_query value [${zero}]`);
  return {
    operator,
    minimumShouldMatch: o.minimum_should_match,
    analyzer: o.analyzer !== undefined ? analyzerByName(String(o.analyzer)) : undefined,
    zeroTermsAll: zero === "all",
    lenient: o.lenient === true || o.lenient === "true",
    boost: boostOf(o, query),
  };
}

const MATCH_KEYS = [
  "query",
  "operator",
  "minimum_should_match",
  "analyzer",
  "boost",
  "zero_terms_query",
  "lenient",
  "fuzziness",
  "prefix_length",
  "max_expansions",
  "fuzzy_transpositions",
  "fuzzy_rewrite",
  "auto_generate_synonyms_phrase_query",
  "cutoff_frequency",
  "_name",
];

function parseMatch(body: unknown, ctx: QueryContext): Query {
  const { field, body: o } = fieldAndBody(body, "match", "query");
  checkKeys(o, "match", MATCH_KEYS);
  if (o.query === undefined) throw parsingError("No text specified for text query");
  const opts = matchOptions(o, "match");
  const def = fieldDef(ctx, field);
  if (!def) return { kind: "none" };
  return matchField(def, o.query, opts, ctx);
}

/** Analyzed tokens of a query text for a field (the field's search analyzer unless given). */
function queryTokens(def: FieldDef, text: string, analyzer?: Analyzer): { term: string; position: number }[] {
  const a = analyzer ?? def.searchAnalyzer ?? STANDARD;
  const out: { term: string; position: number }[] = [];
  a.analyze(text, (term, position) => out.push({ term, position }));
  return out;
}

/** One field's part of a match query, as Elasticsearch's MatchQueryParser builds it. */
function matchField(def: FieldDef, queryValue: unknown, opts: MatchOptions, ctx: QueryContext): Query {
  if (def.type !== "text") {
    return termQuery(def, queryValue, opts.boost, ctx, false, opts.lenient);
  }
  const tokens = queryTokens(def, String(queryValue), opts.analyzer);
  if (tokens.length === 0) return opts.zeroTermsAll ? { kind: "all", boost: opts.boost } : { kind: "none" };
  const terms: Query[] = tokens.map((t) => ({ kind: "term", def, term: t.term, boost: 1 }));
  if (terms.length === 1 && opts.minimumShouldMatch === undefined) {
    const only = terms[0] as Extract<Query, { kind: "term" }>;
    return { ...only, boost: opts.boost };
  }
  if (opts.operator === "and") {
    return {
      kind: "bool",
      must: terms,
      should: [],
      filter: [],
      mustNot: [],
      minShouldMatch: 0,
      boost: opts.boost,
    };
  }
  const msm =
    opts.minimumShouldMatch !== undefined ? minShouldMatch(terms.length, opts.minimumShouldMatch) : 0;
  return {
    kind: "bool",
    must: [],
    should: terms,
    filter: [],
    mustNot: [],
    minShouldMatch: Math.max(1, msm),
    boost: opts.boost,
  };
}

function parseMatchPhrase(body: unknown, ctx: QueryContext): Query {
  const { field, body: o } = fieldAndBody(body, "match_phrase", "query");
  checkKeys(o, "match_phrase", ["query", "slop", "analyzer", "boost", "zero_terms_query", "_name"]);
  if (o.query === undefined) throw parsingError("No text specified for text query");
  if (o.slop !== undefined && Number(o.slop) !== 0)
    throw unsupported("[match_phrase] option [slop] other than 0");
  const opts = matchOptions(o, "match_phrase");
  const def = fieldDef(ctx, field);
  if (!def) return { kind: "none" };
  return phraseField(def, o.query, opts, ctx);
}

function phraseField(def: FieldDef, queryValue: unknown, opts: MatchOptions, ctx: QueryContext): Query {
  if (def.type !== "text") return termQuery(def, queryValue, opts.boost, ctx, false, opts.lenient);
  const tokens = queryTokens(def, String(queryValue), opts.analyzer);
  if (tokens.length === 0) return opts.zeroTermsAll ? { kind: "all", boost: opts.boost } : { kind: "none" };
  if (tokens.length === 1) return { kind: "term", def, term: tokens[0]!.term, boost: opts.boost };
  const first = tokens[0]!.position;
  return {
    kind: "phrase",
    def,
    terms: tokens.map((t) => t.term),
    positions: tokens.map((t) => t.position - first),
    boost: opts.boost,
  };
}

/** `title^3` → field and boost; wildcards expand over the mapped fields. */
function expandFields(ctx: QueryContext, specs: string[]): { def: FieldDef; boost: number }[] {
  const out: { def: FieldDef; boost: number }[] = [];
  for (const spec of specs) {
    const caret = spec.lastIndexOf("^");
    const name = caret >= 0 ? spec.slice(0, caret) : spec;
    const boost = caret >= 0 ? Math.fround(num(spec.slice(caret + 1), "fields")) : 1;
    const paths = name.includes("*") ? ctx.mapping.matchFields(name) : [name];
    for (const p of paths) {
      const def = fieldDef(ctx, p);
      if (!def) continue;
      // A wildcard only picks fields a text query can run on.
      if (name.includes("*") && def.type !== "text" && def.type !== "keyword") continue;
      const existing = out.find((e) => e.def === def);
      if (existing) existing.boost = Math.fround(existing.boost * boost);
      else out.push({ def, boost });
    }
  }
  return out;
}

function parseMultiMatch(body: unknown, ctx: QueryContext): Query {
  if (!isObject(body)) throw parsingError("[multi_match] query malformed");
  checkKeys(body, "multi_match", [...MATCH_KEYS, "fields", "type", "tie_breaker", "slop"]);
  if (body.query === undefined) throw parsingError("No text specified for multi_match query");
  const type = String(body.type ?? "best_fields").toLowerCase();
  if (!["best_fields", "most_fields", "phrase"].includes(type)) {
    if (["cross_fields", "phrase_prefix", "bool_prefix"].includes(type))
      throw unsupported(`[multi_match] type [${type}]`);
    throw parsingError(`[multi_match] query does not support type ${type}`);
  }
  if (body.slop !== undefined && Number(body.slop) !== 0)
    throw unsupported("[multi_match] option [slop] other than 0");
  const opts = matchOptions(body, "multi_match");
  const specs =
    body.fields === undefined
      ? ["*"]
      : Array.isArray(body.fields)
        ? body.fields.map(String)
        : [String(body.fields)];
  const lenient = opts.lenient || body.fields === undefined || specs.some((s) => s.includes("*"));
  const fields = expandFields(ctx, specs);
  const perField: Query[] = [];
  for (const { def, boost } of fields) {
    if (def.type === "dense_vector") continue;
    const fieldOpts = { ...opts, boost, lenient };
    const q =
      type === "phrase"
        ? phraseField(def, body.query, fieldOpts, ctx)
        : matchField(def, body.query, fieldOpts, ctx);
    if (q.kind !== "none") perField.push(q);
  }
  if (perField.length === 0) return { kind: "none" };
  if (type === "most_fields") {
    return {
      kind: "bool",
      must: [],
      should: perField,
      filter: [],
      mustNot: [],
      minShouldMatch: 1,
      boost: opts.boost,
    };
  }
  const tie = body.tie_breaker === undefined ? 0 : Math.fround(num(body.tie_breaker, "tie_breaker"));
  if (perField.length === 1) return wrapBoost(perField[0]!, opts.boost);
  return { kind: "dis_max", queries: perField, tieBreaker: tie, boost: opts.boost };
}

function wrapBoost(q: Query, boost: number): Query {
  if (boost === 1) return q;
  return { kind: "dis_max", queries: [q], tieBreaker: 0, boost };
}

function parseRange(body: unknown, ctx: QueryContext): Query {
  const { field, body: o } = fieldAndBody(body, "range", "value");
  checkKeys(o, "range", [
    "gte",
    "gt",
    "lte",
    "lt",
    "from",
    "to",
    "include_lower",
    "include_upper",
    "format",
    "time_zone",
    "boost",
    "relation",
    "_name",
  ]);
  if (o.time_zone !== undefined && !["Z", "UTC", "+00:00", "Etc/UTC"].includes(String(o.time_zone))) {
    throw unsupported("[range] option [time_zone] other than UTC");
  }
  if (o.relation !== undefined && String(o.relation).toLowerCase() !== "intersects")
    throw unsupported(`[range] relation [${String(o.relation)}]`);
  const boost = boostOf(o, "range");
  let lower = o.gte ?? o.gt;
  let upper = o.lte ?? o.lt;
  let loInclusive = o.gt === undefined;
  let hiInclusive = o.lt === undefined;
  if (o.from !== undefined) {
    lower = o.from;
    loInclusive = o.include_lower !== false;
  }
  if (o.to !== undefined) {
    upper = o.to;
    hiInclusive = o.include_upper !== false;
  }
  if (lower === null) lower = undefined;
  if (upper === null) upper = undefined;
  const def = fieldDef(ctx, field);
  if (!def) return { kind: "none" };
  if (def.type === "text" || def.type === "keyword") {
    return {
      kind: "term_range",
      def,
      lo: lower === undefined ? undefined : String(lower),
      hi: upper === undefined ? undefined : String(upper),
      loInclusive,
      hiInclusive,
      boost,
    };
  }
  if (def.type === "dense_vector")
    throw queryShardError(ctx, `[dense_vector] fields do not support range queries`);
  const format = o.format !== undefined ? String(o.format) : def.format;
  const bound = (v: unknown, roundUp: boolean): number => {
    if (def.type === "date") {
      const t = parseDateMath(v, format!, roundUp, ctx.now);
      if (t === null)
        throw queryShardError(ctx, `failed to parse date field [${String(v)}] with format [${format}]`);
      return t;
    }
    if (def.type === "boolean") return v === true || v === "true" ? 1 : 0;
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(n))
      throw queryShardError(ctx, `failed to create query: For input string: "${String(v)}"`);
    return n;
  };
  // Dates: gt and lte round up (the whole unit named), gte and lt round down — as Elasticsearch.
  let lo = lower === undefined ? Number.NEGATIVE_INFINITY : bound(lower, !loInclusive);
  let hi = upper === undefined ? Number.POSITIVE_INFINITY : bound(upper, hiInclusive);
  if (INTEGER_TYPES.has(def.type)) {
    // 1.5 as a lower bound of a long field starts at 2; as an upper bound it ends at 1.
    if (!Number.isInteger(lo) && Number.isFinite(lo)) {
      lo = Math.ceil(lo);
      loInclusive = true;
    }
    if (!Number.isInteger(hi) && Number.isFinite(hi)) {
      hi = Math.floor(hi);
      hiInclusive = true;
    }
  } else if (def.type === "float" || def.type === "half_float") {
    lo = Number.isFinite(lo) ? Math.fround(lo) : lo;
    hi = Number.isFinite(hi) ? Math.fround(hi) : hi;
  }
  return { kind: "numeric_range", def, lo, hi, loInclusive, hiInclusive, boost };
}

function parseExists(body: unknown, ctx: QueryContext): Query {
  if (!isObject(body)) throw parsingError("[exists] query malformed");
  checkKeys(body, "exists", ["field", "boost", "_name"]);
  if (body.field === undefined) throw parsingError("[exists] must be provided with a [field]");
  const name = String(body.field);
  const paths = name.includes("*") ? ctx.mapping.matchFields(name) : [name];
  const defs = paths.map((p) => fieldDef(ctx, p)).filter((d): d is FieldDef => d !== undefined);
  if (!name.includes("*") && defs.length === 0) {
    // An object: any field under it.
    const re = wildcardRegex(`${name}.*`);
    for (const [p, d] of ctx.mapping.fields) if (re.test(p)) defs.push(d);
  }
  if (defs.length === 0) return { kind: "none" };
  return { kind: "exists", defs, boost: boostOf(body, "exists") };
}

function parseIds(body: unknown): Query {
  if (!isObject(body)) throw parsingError("[ids] query malformed");
  checkKeys(body, "ids", ["values", "boost", "_name"]);
  const values = body.values;
  if (!Array.isArray(values)) throw parsingError("[ids] query does not support [values]");
  return { kind: "ids", ids: values.map(String), boost: boostOf(body, "ids") };
}
