import { type ErrorCause, esError, mapperParsing, unsupported } from "../errors";
import { parseDate } from "./dates";
import {
  type Dynamic,
  type FieldDef,
  fieldToJson,
  INTEGER_TYPES,
  leafName,
  NUMERIC_TYPES,
  parseFieldDef,
  parseObjectDef,
} from "./field-def";

/** A document's values per indexed field, after mapping and coercion. */
export interface ParsedDoc {
  /** Field path → values (strings for text/keyword, numbers for numbers/dates/booleans, vectors). */
  values: Map<string, unknown[]>;
  /** Fields added to the mapping by this document (dynamic mapping or a vector's dims). */
  mappingChanged: boolean;
}

const ROOT_KEYS = new Set([
  "properties",
  "dynamic",
  "date_detection",
  "numeric_detection",
  "_source",
  "_meta",
  "_routing",
  "dynamic_templates",
  "enabled",
  "subobjects",
]);

/**
 * An index's mapping: the tree of field definitions, the flat registry of every indexed field
 * (multi-fields included), dynamic mapping and the parsing of documents into field values.
 */
export class Mapping {
  root: FieldDef = parseObjectDef("", {});
  /** Every leaf field by full path, multi-fields included. */
  fields = new Map<string, FieldDef>();
  dateDetection = true;
  numericDetection = false;
  private extraRoot: Record<string, unknown> = {};

  static parse(json: unknown): Mapping {
    const m = new Mapping();
    if (json !== undefined && json !== null) m.merge(json);
    return m;
  }

  get dynamic(): Dynamic {
    return this.root.dynamic ?? "true";
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.extraRoot };
    if (this.root.dynamic !== undefined) out.dynamic = this.root.json.dynamic;
    const props = fieldToJson(this.root).properties;
    if (props) out.properties = props;
    return out;
  }

  /** Adds the fields of a mapping (index creation or PUT _mapping); existing fields must not change type. */
  merge(json: unknown): void {
    if (!json || typeof json !== "object" || Array.isArray(json)) {
      throw mapperParsing("Failed to parse mapping: Root mapping definition has unsupported parameters");
    }
    const obj = json as Record<string, unknown>;
    if ("_doc" in obj && Object.keys(obj).length === 1 && typeof obj._doc === "object") {
      throw esError(
        400,
        "illegal_argument_exception",
        "The mapping definition cannot be nested under a type [_doc] unless include_type_name is set to true.",
      );
    }
    for (const key of Object.keys(obj)) {
      if (!ROOT_KEYS.has(key)) {
        throw mapperParsing(
          `Root mapping definition has unsupported parameters:  [${key} : ${JSON.stringify(obj[key])}]`,
        );
      }
    }
    if (
      obj.dynamic_templates !== undefined &&
      !(Array.isArray(obj.dynamic_templates) && obj.dynamic_templates.length === 0)
    ) {
      throw unsupported("mapping parameter [dynamic_templates]");
    }
    if (obj._source !== undefined) {
      const src = obj._source as Record<string, unknown>;
      if (src && (src.enabled === false || src.includes || src.excludes || src.mode))
        throw unsupported("mapping parameter [_source]");
      this.extraRoot._source = obj._source;
    }
    if (obj._meta !== undefined) this.extraRoot._meta = obj._meta;
    if (obj.date_detection !== undefined) {
      this.dateDetection = obj.date_detection === true || obj.date_detection === "true";
      this.extraRoot.date_detection = obj.date_detection;
    }
    if (obj.numeric_detection !== undefined) {
      this.numericDetection = obj.numeric_detection === true || obj.numeric_detection === "true";
      this.extraRoot.numeric_detection = obj.numeric_detection;
    }
    const incoming = parseObjectDef("", {
      ...(obj.dynamic !== undefined ? { dynamic: obj.dynamic } : {}),
      properties: obj.properties ?? {},
    });
    if (incoming.dynamic !== undefined) {
      this.root.dynamic = incoming.dynamic;
      this.root.json.dynamic = incoming.json.dynamic;
    }
    mergeObject(this.root, incoming);
    this.reindexFields();
  }

  private reindexFields(): void {
    this.fields.clear();
    const walk = (def: FieldDef) => {
      if (def.type === "object") {
        for (const child of def.properties!.values()) walk(child);
        return;
      }
      this.fields.set(def.path, def);
      for (const m of def.multiFields) walk(m);
    };
    walk(this.root);
  }

  /** Object definitions by path ("" is the root). */
  objectAt(path: string): FieldDef | undefined {
    if (!path) return this.root;
    let def: FieldDef | undefined = this.root;
    for (const part of path.split(".")) {
      def = def?.properties?.get(part);
      if (!def) return undefined;
    }
    return def.type === "object" ? def : undefined;
  }

  /** Field paths matching a pattern with `*` wildcards (mapped leaf fields, multi-fields included). */
  matchFields(pattern: string): string[] {
    if (!pattern.includes("*")) return this.fields.has(pattern) ? [pattern] : [];
    const re = wildcardRegex(pattern);
    return [...this.fields.keys()].filter((p) => re.test(p));
  }

  /**
   * Maps a document's source to field values. Unmapped fields are added (dynamic: true), refused
   * (strict) or left in the source only (false/runtime). The mapping changes only when the whole
   * document parses.
   */
  parseDocument(source: Record<string, unknown>, id: string): ParsedDoc {
    const values = new Map<string, unknown[]>();
    const added: { parent: FieldDef; name: string; def: FieldDef }[] = [];
    const dimsSet: { def: FieldDef; dims: number }[] = [];
    const pending = new Map<string, FieldDef>(); // path → dynamically added field in this document

    const push = (path: string, v: unknown) => {
      let list = values.get(path);
      if (!list) {
        list = [];
        values.set(path, list);
      }
      list.push(v);
    };

    const addLeaf = (def: FieldDef, raw: unknown) => {
      if (raw === null || raw === undefined) {
        if (def.nullValue === undefined) return;
        raw = def.nullValue;
      }
      if (def.type === "dense_vector") {
        const vec = parseVector(def, raw, id, dimsSet);
        if (vec) push(def.path, vec);
        return;
      }
      const v = coerceLeaf(def, raw, id);
      if (v === undefined) return;
      push(def.path, v);
      for (const m of def.multiFields) {
        const mv = coerceLeaf(m, raw, id);
        if (mv !== undefined) push(m.path, mv);
      }
      for (const target of def.copyTo) {
        const t = this.fields.get(target) ?? pending.get(target);
        if (!t) continue;
        const tv = coerceLeaf(t, raw, id);
        if (tv !== undefined) push(t.path, tv);
      }
    };

    const visit = (parent: FieldDef, parentDynamic: Dynamic, key: string, value: unknown) => {
      if (key.includes(".")) {
        // {"a.b": 1} is {"a": {"b": 1}}.
        const [head, ...rest] = key.split(".");
        visit(parent, parentDynamic, head!, { [rest.join(".")]: value });
        return;
      }
      if (!key) throw docError(id, "field name cannot be an empty string");
      const path = parent.path ? `${parent.path}.${key}` : key;
      let def = parent.properties!.get(key) ?? pending.get(path);
      if (!def) {
        if (value === null || (Array.isArray(value) && value.every((v) => v === null))) return;
        if (parentDynamic === "strict") {
          throw esError(
            400,
            "strict_dynamic_mapping_exception",
            `[${parent.path || "_doc"}] mapping set to strict, dynamic introduction of [${key}] within [${parent.path || "_doc"}] is not allowed`,
          );
        }
        if (parentDynamic === "false" || parentDynamic === "runtime") return;
        def = this.inferField(path, value);
        if (!def) return;
        pending.set(path, def);
        for (const m of def.multiFields) pending.set(m.path, m);
        added.push({ parent, name: key, def });
      }
      if (def.type === "object") {
        if (!def.enabled) return;
        const dyn = def.dynamic ?? parentDynamic;
        const objects = Array.isArray(value) ? value : [value];
        for (const o of objects) {
          if (o === null || o === undefined) continue;
          if (typeof o !== "object" || Array.isArray(o)) {
            throw esError(
              400,
              "document_parsing_exception",
              `object mapping for [${def.path}] tried to parse field [${key}] as object, but found a concrete value`,
            );
          }
          for (const [k, v] of Object.entries(o as Record<string, unknown>)) visit(def, dyn, k, v);
        }
        return;
      }
      if (def.type === "dense_vector") {
        addLeaf(def, value);
        return;
      }
      const flat = Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value];
      for (const v of flat) {
        if (v !== null && typeof v === "object") {
          throw docError(
            id,
            `failed to parse field [${def.path}] of type [${def.type}] in document with id '${id}'. Preview of field's value: '${preview(v)}'`,
            { type: "illegal_state_exception", reason: `Can't get text on a START_OBJECT at 1:1` },
          );
        }
        addLeaf(def, v);
      }
    };

    for (const [k, v] of Object.entries(source)) visit(this.root, this.dynamic, k, v);

    // Only now, with every value accepted, does the mapping change.
    for (const { parent, name, def } of added) parent.properties!.set(name, def);
    const mappingChanged = added.length > 0 || dimsSet.length > 0;
    for (const { def, dims } of dimsSet) def.dims = dims;
    if (added.length > 0) this.reindexFields();
    return { values, mappingChanged };
  }

  /** Elasticsearch's dynamic type of a JSON value (`null` for values that add nothing). */
  private inferField(path: string, value: unknown): FieldDef | undefined {
    const sample = Array.isArray(value)
      ? value.flat(Number.POSITIVE_INFINITY).find((v) => v !== null)
      : value;
    if (sample === undefined || sample === null) return undefined;
    if (typeof sample === "object") return parseObjectDef(path, {});
    if (typeof sample === "boolean") return parseFieldDef(path, { type: "boolean" });
    if (typeof sample === "number")
      return parseFieldDef(path, { type: Number.isInteger(sample) ? "long" : "float" });
    const s = String(sample);
    if (this.dateDetection && /^\d{4}-\d{2}-\d{2}/.test(s) && parseDate(s) !== null) {
      return parseFieldDef(path, { type: "date" });
    }
    if (this.numericDetection && s.trim() !== "" && Number.isFinite(Number(s))) {
      return parseFieldDef(path, { type: Number.isInteger(Number(s)) ? "long" : "float" });
    }
    return parseFieldDef(path, { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } });
  }
}

function mergeObject(target: FieldDef, incoming: FieldDef): void {
  for (const [name, inc] of incoming.properties!) {
    const existing = target.properties!.get(name);
    if (!existing) {
      target.properties!.set(name, inc);
      continue;
    }
    if (existing.type !== inc.type) {
      throw esError(
        400,
        "illegal_argument_exception",
        `mapper [${existing.path}] cannot be changed from type [${existing.type}] to [${inc.type}]`,
      );
    }
    if (existing.type === "object") {
      if (inc.dynamic !== undefined) {
        existing.dynamic = inc.dynamic;
        existing.json.dynamic = inc.json.dynamic;
      }
      mergeObject(existing, inc);
      continue;
    }
    const conflicts: string[] = [];
    for (const key of new Set([...Object.keys(existing.json), ...Object.keys(inc.json)])) {
      if (key === "type" || key === "ignore_above" || key === "meta" || key === "dims") continue;
      if (JSON.stringify(existing.json[key]) !== JSON.stringify(inc.json[key])) {
        conflicts.push(
          `Cannot update parameter [${key}] from [${fmt(existing.json[key])}] to [${fmt(inc.json[key])}]`,
        );
      }
    }
    if (
      existing.type === "dense_vector" &&
      existing.dims !== undefined &&
      inc.dims !== undefined &&
      existing.dims !== inc.dims
    ) {
      conflicts.push(`Cannot update parameter [dims] from [${existing.dims}] to [${inc.dims}]`);
    }
    if (conflicts.length > 0) {
      throw esError(
        400,
        "illegal_argument_exception",
        `Mapper for [${existing.path}] conflicts with existing mapper:\n\t${conflicts.join("\n\t")}`,
      );
    }
    if (inc.ignoreAbove !== undefined) {
      existing.ignoreAbove = inc.ignoreAbove;
      existing.json.ignore_above = inc.json.ignore_above;
    }
    if (existing.type === "dense_vector" && existing.dims === undefined && inc.dims !== undefined) {
      existing.dims = inc.dims;
      existing.json.dims = inc.dims;
    }
    for (const m of inc.multiFields) {
      if (!existing.multiFields.some((e) => e.path === m.path)) existing.multiFields.push(m);
    }
  }
}

function fmt(v: unknown): string {
  return v === undefined ? "null" : typeof v === "string" ? v : JSON.stringify(v);
}

function preview(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 20 ? `${s.slice(0, 20)}...` : s;
}

function docError(id: string, reason: string, causedBy?: ErrorCause) {
  void id;
  return esError(400, "document_parsing_exception", reason, causedBy ? { caused_by: causedBy } : {});
}

const RANGES: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
};

/**
 * One value of a leaf field, coerced as Elasticsearch does; `undefined` when it is not indexed
 * (keyword over `ignore_above`, malformed with `ignore_malformed`).
 */
export function coerceLeaf(def: FieldDef, raw: unknown, id: string): unknown {
  const fail = (cause: ErrorCause) => {
    if (def.ignoreMalformed) return undefined;
    throw docError(
      id,
      `failed to parse field [${def.path}] of type [${def.type}] in document with id '${id}'. Preview of field's value: '${preview(raw)}'`,
      cause,
    );
  };
  switch (def.type) {
    case "text":
      return typeof raw === "string" ? raw : String(raw);
    case "keyword": {
      const s = typeof raw === "string" ? raw : String(raw);
      if (def.ignoreAbove !== undefined && s.length > def.ignoreAbove) return undefined;
      return s;
    }
    case "boolean": {
      if (raw === true || raw === "true") return true;
      if (raw === false || raw === "false" || raw === "") return false;
      return fail({
        type: "illegal_argument_exception",
        reason: `Failed to parse value [${String(raw)}] as only [true] or [false] are allowed.`,
      });
    }
    case "date": {
      const t = parseDate(raw, def.format);
      if (t === null) {
        return fail({
          type: "illegal_argument_exception",
          reason: `failed to parse date field [${String(raw)}] with format [${def.format}]`,
        });
      }
      return t;
    }
    default: {
      if (!NUMERIC_TYPES.has(def.type)) return undefined;
      let n: number;
      if (typeof raw === "number") n = raw;
      else if (typeof raw === "string" && def.coerce && raw.trim() !== "" && Number.isFinite(Number(raw)))
        n = Number(raw);
      else if (typeof raw === "boolean") {
        return fail({
          type: "illegal_argument_exception",
          reason: `Current token (VALUE_${String(raw).toUpperCase()}) not numeric, can not use numeric value accessors`,
        });
      } else {
        return fail({ type: "number_format_exception", reason: `For input string: "${String(raw)}"` });
      }
      if (INTEGER_TYPES.has(def.type)) {
        if (!Number.isInteger(n)) {
          if (!def.coerce)
            return fail({ type: "illegal_argument_exception", reason: `Value [${n}] has a decimal part` });
          n = Math.trunc(n);
        }
        const [lo, hi] = RANGES[def.type]!;
        if (n < lo || n > hi) {
          return fail({
            type: "illegal_argument_exception",
            reason: `Value [${String(raw)}] is out of range for ${def.type === "integer" ? "an integer" : `a ${def.type}`}`,
          });
        }
        return n;
      }
      if (!Number.isFinite(n))
        return fail({
          type: "illegal_argument_exception",
          reason: `[${def.type}] supports only finite values, but got [${String(raw)}]`,
        });
      if (def.type === "float" || def.type === "half_float") return Math.fround(n);
      if (def.type === "scaled_float") return Math.round(n * def.scalingFactor!) / def.scalingFactor!;
      return n;
    }
  }
}

/** A dense vector as a Float32Array (`dims` learned from the first document when unmapped). */
function parseVector(
  def: FieldDef,
  raw: unknown,
  id: string,
  dimsSet: { def: FieldDef; dims: number }[],
): Float32Array | undefined {
  const fail = (reason: string) => {
    throw docError(
      id,
      `failed to parse field [${def.path}] of type [dense_vector] in document with id '${id}'. Preview of field's value: '${preview(raw)}'`,
      {
        type: "illegal_argument_exception",
        reason,
      },
    );
  };
  if (!Array.isArray(raw)) return fail(`[dense_vector] field [${def.path}] must be an array of numbers`);
  const dims = def.dims ?? dimsSet.find((d) => d.def === def)?.dims;
  if (dims !== undefined && raw.length !== dims) {
    return fail(
      `The [dense_vector] field [${def.path}] in doc [document with id '${id}'] has a different number of dimensions [${raw.length}] than defined in the mapping [${dims}]`,
    );
  }
  if (raw.length === 0 || raw.length > 4096)
    return fail(`The number of dimensions should be in the range [1, 4096] but was [${raw.length}]`);
  const vec = new Float32Array(raw.length);
  let sq = 0;
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i];
    if (typeof x !== "number" || !Number.isFinite(x))
      return fail(`[dense_vector] field [${def.path}] must contain only finite numbers`);
    vec[i] = x;
    sq += vec[i]! * vec[i]!;
  }
  const previewVec = `[${[...vec.slice(0, 5)].map((x) => (Number.isInteger(x) ? `${x}.0` : String(x))).join(", ")}${vec.length > 5 ? ", ..." : ""}]`;
  if (def.similarity === "cosine" && sq === 0) {
    return fail(
      `The [cosine] similarity does not support vectors with zero magnitude. Preview of invalid vector: ${previewVec}`,
    );
  }
  if (def.similarity === "dot_product" && Math.abs(Math.sqrt(sq) - 1) > 1e-4) {
    return fail(
      `The [dot_product] similarity can only be used with unit-length vectors. Preview of invalid vector: ${previewVec}`,
    );
  }
  if (def.dims === undefined && !dimsSet.some((d) => d.def === def)) dimsSet.push({ def, dims: raw.length });
  return vec;
}

export function wildcardRegex(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

export { leafName };
