import { type Analyzer, analyzerByName } from "../analysis/analyzers";
import { esError, mapperParsing, unsupported } from "../errors";
import { DEFAULT_DATE_FORMAT, dateFormatParsers } from "./dates";

/** Field types the server indexes. */
export type LeafType =
  | "text"
  | "keyword"
  | "long"
  | "integer"
  | "short"
  | "byte"
  | "double"
  | "float"
  | "half_float"
  | "scaled_float"
  | "date"
  | "boolean"
  | "dense_vector";

export type Similarity = "cosine" | "dot_product" | "l2_norm" | "max_inner_product";
export type Dynamic = "true" | "false" | "strict" | "runtime";

export interface FieldDef {
  /** Full dotted path, multi-fields included (`title.keyword`). */
  path: string;
  /** Where the values are in the source: the path, or the parent's for a multi-field. */
  sourcePath: string;
  type: LeafType | "object";
  /** The mapping as given (and completed), returned by GET _mapping; objects without `properties`. */
  json: Record<string, unknown>;
  indexed: boolean;
  docValues: boolean;
  analyzer?: Analyzer;
  searchAnalyzer?: Analyzer;
  positionIncrementGap: number;
  ignoreAbove?: number;
  nullValue?: unknown;
  coerce: boolean;
  ignoreMalformed: boolean;
  copyTo: string[];
  format?: string;
  scalingFactor?: number;
  dims?: number;
  similarity?: Similarity;
  multiFields: FieldDef[];
  /** Objects only. */
  properties?: Map<string, FieldDef>;
  dynamic?: Dynamic;
  enabled: boolean;
}

export const NUMERIC_TYPES = new Set([
  "long",
  "integer",
  "short",
  "byte",
  "double",
  "float",
  "half_float",
  "scaled_float",
]);
export const INTEGER_TYPES = new Set(["long", "integer", "short", "byte"]);

const LEAF_TYPES = new Set<string>([...NUMERIC_TYPES, "text", "keyword", "date", "boolean", "dense_vector"]);

/** Elasticsearch field types this server does not implement: refused by name. */
const KNOWN_UNSUPPORTED_TYPES = new Set([
  "nested",
  "flattened",
  "geo_point",
  "geo_shape",
  "shape",
  "point",
  "ip",
  "wildcard",
  "completion",
  "search_as_you_type",
  "rank_feature",
  "rank_features",
  "sparse_vector",
  "semantic_text",
  "binary",
  "alias",
  "join",
  "percolator",
  "token_count",
  "constant_keyword",
  "match_only_text",
  "unsigned_long",
  "version",
  "histogram",
  "aggregate_metric_double",
  "date_nanos",
  "integer_range",
  "long_range",
  "float_range",
  "double_range",
  "date_range",
  "ip_range",
  "annotated_text",
  "murmur3",
  "counted_keyword",
  "passthrough",
  "pattern_text",
  "exponential_histogram",
]);

/** Parameters accepted per type; others are refused as Elasticsearch does ("unknown parameter"). */
const COMMON = ["type", "meta", "store", "boost", "index", "doc_values", "copy_to", "fields"];
const PARAMS: Record<string, string[]> = {
  text: [
    ...COMMON,
    "analyzer",
    "search_analyzer",
    "search_quote_analyzer",
    "position_increment_gap",
    "norms",
    "index_options",
    "term_vector",
    "fielddata",
    "fielddata_frequency_filter",
    "eager_global_ordinals",
    "similarity",
    "index_phrases",
    "index_prefixes",
  ],
  keyword: [
    ...COMMON,
    "ignore_above",
    "null_value",
    "norms",
    "index_options",
    "eager_global_ordinals",
    "similarity",
    "split_queries_on_whitespace",
    "normalizer",
    "time_series_dimension",
    "script",
    "on_script_error",
  ],
  numeric: [
    ...COMMON,
    "coerce",
    "ignore_malformed",
    "null_value",
    "time_series_dimension",
    "time_series_metric",
    "script",
    "on_script_error",
  ],
  scaled_float: [
    ...COMMON,
    "coerce",
    "ignore_malformed",
    "null_value",
    "scaling_factor",
    "time_series_metric",
  ],
  date: [...COMMON, "format", "locale", "ignore_malformed", "null_value", "script", "on_script_error"],
  boolean: [...COMMON, "null_value", "script", "on_script_error"],
  dense_vector: ["type", "meta", "dims", "element_type", "index", "similarity", "index_options"],
  object: ["type", "properties", "dynamic", "enabled", "subobjects"],
};

function paramsFor(type: string): string[] {
  if (type === "scaled_float") return PARAMS.scaled_float!;
  if (NUMERIC_TYPES.has(type)) return PARAMS.numeric!;
  return PARAMS[type]!;
}

function bool(v: unknown, what: string): boolean {
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw mapperParsing(
    `Failed to parse mapping: failed to parse value [${String(v)}] as only [true] or [false] are allowed for [${what}]`,
  );
}

function dynamicOf(v: unknown): Dynamic {
  const s = String(v);
  if (s === "true" || s === "false" || s === "strict" || s === "runtime") return s;
  throw mapperParsing(`Failed to parse mapping: Could not convert [dynamic] to boolean`);
}

/**
 * Parses one field's mapping. `path` is the full dotted path; `name` the last segment (for
 * messages, Elasticsearch names the field by its leaf name).
 */
export function parseFieldDef(path: string, raw: unknown): FieldDef {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw mapperParsing(
      `Failed to parse mapping: Expected map for property [fields] on field [${path}] but got a class java.lang.String`,
    );
  }
  const json = raw as Record<string, unknown>;
  const type = (json.type as string | undefined) ?? (json.properties ? "object" : undefined) ?? "object";
  if (type === "object") return parseObjectDef(path, json);
  if (!LEAF_TYPES.has(type)) {
    if (KNOWN_UNSUPPORTED_TYPES.has(type)) throw unsupportedType(type, path);
    throw mapperParsing(
      `Failed to parse mapping: No handler for type [${type}] declared on field [${leafName(path)}]`,
    );
  }
  const allowed = paramsFor(type);
  for (const key of Object.keys(json)) {
    if (!allowed.includes(key)) {
      throw mapperParsing(
        `Failed to parse mapping: unknown parameter [${key}] on mapper [${leafName(path)}] of type [${type}]`,
      );
    }
  }
  const def: FieldDef = {
    path,
    sourcePath: path,
    type: type as LeafType,
    json: { ...json },
    indexed: json.index === undefined ? true : bool(json.index, "index"),
    docValues: json.doc_values === undefined ? type !== "text" : bool(json.doc_values, "doc_values"),
    positionIncrementGap: 100,
    coerce: json.coerce === undefined ? true : bool(json.coerce, "coerce"),
    ignoreMalformed:
      json.ignore_malformed === undefined ? false : bool(json.ignore_malformed, "ignore_malformed"),
    copyTo:
      json.copy_to === undefined
        ? []
        : Array.isArray(json.copy_to)
          ? json.copy_to.map(String)
          : [String(json.copy_to)],
    multiFields: [],
    enabled: true,
  };
  delete def.json.fields;
  if (json.null_value !== undefined && json.null_value !== null) def.nullValue = json.null_value;
  switch (type) {
    case "text": {
      if (json.similarity !== undefined && json.similarity !== "BM25")
        throw unsupportedParam("similarity", String(json.similarity));
      if (json.index_phrases === true) throw unsupportedParam("index_phrases", "true");
      if (json.index_prefixes !== undefined) throw unsupportedParam("index_prefixes", "{…}");
      def.analyzer = analyzerByName(String(json.analyzer ?? "standard"));
      def.searchAnalyzer = json.search_analyzer ? analyzerByName(String(json.search_analyzer)) : def.analyzer;
      if (json.position_increment_gap !== undefined)
        def.positionIncrementGap = Number(json.position_increment_gap);
      break;
    }
    case "keyword": {
      if (json.normalizer !== undefined) throw unsupportedParam("normalizer", String(json.normalizer));
      if (json.similarity !== undefined && json.similarity !== "BM25")
        throw unsupportedParam("similarity", String(json.similarity));
      if (json.ignore_above !== undefined) def.ignoreAbove = Number(json.ignore_above);
      break;
    }
    case "date": {
      def.format = String(json.format ?? DEFAULT_DATE_FORMAT);
      if (!dateFormatParsers(def.format)) {
        throw mapperParsing(
          `Failed to parse mapping: Invalid format: [${def.format}]: date format not supported by the embedded search server`,
        );
      }
      break;
    }
    case "scaled_float": {
      if (json.scaling_factor === undefined) {
        throw mapperParsing("Failed to parse mapping: Field [scaling_factor] is required");
      }
      def.scalingFactor = Number(json.scaling_factor);
      break;
    }
    case "dense_vector": {
      const elementType = String(json.element_type ?? "float");
      if (elementType !== "float") throw unsupportedParam("element_type", elementType);
      if (json.dims !== undefined) {
        const dims = Number(json.dims);
        if (!Number.isInteger(dims) || dims < 1 || dims > 4096) {
          throw mapperParsing(
            `Failed to parse mapping: The number of dimensions should be in the range [1, 4096] but was [${String(json.dims)}]`,
          );
        }
        def.dims = dims;
      }
      const similarity = String(json.similarity ?? "cosine");
      if (!["cosine", "dot_product", "l2_norm", "max_inner_product"].includes(similarity)) {
        throw mapperParsing(
          `Failed to parse mapping: Unknown value [${similarity}] for field [similarity] - accepted values are [l2_norm, dot_product, cosine, max_inner_product]`,
        );
      }
      def.similarity = similarity as Similarity;
      def.docValues = false;
      break;
    }
  }
  if (json.fields !== undefined) {
    if (type === "dense_vector")
      throw mapperParsing(`Failed to parse mapping: Field [fields] is not supported for [dense_vector]`);
    const fields = json.fields as Record<string, unknown>;
    for (const [name, sub] of Object.entries(fields ?? {})) {
      const subDef = parseFieldDef(`${path}.${name}`, sub);
      if (subDef.type === "object")
        throw mapperParsing(`Failed to parse mapping: Type [object] cannot be used in multi field`);
      subDef.sourcePath = path;
      def.multiFields.push(subDef);
    }
  }
  return def;
}

export function parseObjectDef(path: string, json: Record<string, unknown>): FieldDef {
  for (const key of Object.keys(json)) {
    if (!PARAMS.object!.includes(key)) {
      throw mapperParsing(
        `Failed to parse mapping: unknown parameter [${key}] on mapper [${leafName(path)}] of type [object]`,
      );
    }
  }
  const def: FieldDef = {
    path,
    sourcePath: path,
    type: "object",
    json: {},
    indexed: true,
    docValues: false,
    positionIncrementGap: 100,
    coerce: true,
    ignoreMalformed: false,
    copyTo: [],
    multiFields: [],
    properties: new Map(),
    enabled: json.enabled === undefined ? true : bool(json.enabled, "enabled"),
  };
  if (json.type !== undefined) def.json.type = json.type;
  if (json.dynamic !== undefined) {
    def.dynamic = dynamicOf(json.dynamic);
    def.json.dynamic = json.dynamic;
  }
  if (json.enabled !== undefined) def.json.enabled = json.enabled;
  const props = json.properties as Record<string, unknown> | undefined;
  if (props !== undefined && (typeof props !== "object" || Array.isArray(props))) {
    throw mapperParsing("Failed to parse mapping: Expected map for property [properties]");
  }
  for (const [name, sub] of Object.entries(props ?? {})) {
    if (name.includes(".")) {
      // "a.b": {...} in properties is the object a with the field b.
      const [head, ...rest] = name.split(".");
      const nested = { properties: { [rest.join(".")]: sub } };
      const existing = def.properties!.get(head!);
      const child = parseObjectDef(path ? `${path}.${head}` : head!, nested);
      if (existing?.properties) for (const [k, v] of child.properties!) existing.properties.set(k, v);
      else def.properties!.set(head!, child);
      continue;
    }
    if (!name) throw mapperParsing("Failed to parse mapping: field name cannot be an empty string");
    def.properties!.set(name, parseFieldDef(path ? `${path}.${name}` : name, sub));
  }
  return def;
}

export function leafName(path: string): string {
  return path.slice(path.lastIndexOf(".") + 1);
}

function unsupportedType(type: string, path: string) {
  return esError(
    400,
    "mapper_parsing_exception",
    `Failed to parse mapping: field type [${type}] (field [${path}]) is not supported by the embedded search server (devservers/search)`,
  );
}

function unsupportedParam(param: string, value: string) {
  return unsupported(`mapping parameter [${param}: ${value}]`);
}

/** The mapping JSON of a field as Elasticsearch returns it. */
export function fieldToJson(def: FieldDef): Record<string, unknown> {
  if (def.type === "object") {
    const out: Record<string, unknown> = { ...def.json };
    if (def.properties && def.properties.size > 0) {
      const props: Record<string, unknown> = {};
      for (const [name, child] of [...def.properties].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        props[name] = fieldToJson(child);
      }
      out.properties = props;
    }
    return out;
  }
  const out: Record<string, unknown> = { ...def.json };
  if (def.type === "dense_vector" && def.dims !== undefined) out.dims = def.dims;
  if (def.multiFields.length > 0) {
    const fields: Record<string, unknown> = {};
    for (const m of def.multiFields) fields[leafName(m.path)] = fieldToJson(m);
    out.fields = fields;
  }
  return out;
}
