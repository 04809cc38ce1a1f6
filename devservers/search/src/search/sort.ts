import { badRequest, parsingError } from "../errors";
import { compareUtf8 } from "../index/keyword-field";
import type { SearchIndex } from "../index/search-index";
import { shortFloat } from "../json";
import type { FieldDef } from "../mapping/field-def";
import { type QueryContext, queryShardError } from "../query/parse-query";

/** Long.MAX_VALUE as a double: Elasticsearch's sort value for a missing long or date. */
const LONG_MAX = 2 ** 63;

export interface SortSpec {
  field: string;
  order: "asc" | "desc";
  missing: "_first" | "_last" | unknown;
  mode?: "min" | "max" | "sum" | "avg" | "median";
  unmappedType?: string;
}

/** `sort` from the body (strings, objects, arrays) or the `sort=field:desc,other` parameter. */
export function parseSort(raw: unknown): SortSpec[] {
  if (raw === undefined || raw === null) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item): SortSpec => {
    if (typeof item === "string") return defaults(item, undefined);
    if (!item || typeof item !== "object") throw parsingError(`[sort] malformed`);
    const keys = Object.keys(item);
    if (keys.length !== 1) throw parsingError(`[sort] expected a single field name, got ${keys.length}`);
    const field = keys[0]!;
    const v = (item as Record<string, unknown>)[field];
    if (typeof v === "string") return defaults(field, v);
    if (!v || typeof v !== "object") throw parsingError(`[sort] malformed order for [${field}]`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["order", "missing", "mode", "unmapped_type", "numeric_type", "format"].includes(k)) {
        if (k === "nested" || k === "_script" || k === "_geo_distance")
          throw badRequest(
            `[sort] option [${k}] is not supported by the embedded search server (devservers/search)`,
          );
        throw parsingError(`[field_sort] unknown field [${k}]`);
      }
    }
    const spec = defaults(field, o.order as string | undefined);
    if (o.missing !== undefined) spec.missing = o.missing;
    if (o.mode !== undefined) spec.mode = String(o.mode) as SortSpec["mode"];
    if (o.unmapped_type !== undefined) spec.unmappedType = String(o.unmapped_type);
    return spec;
  });
}

export function parseSortParam(param: string): SortSpec[] {
  return param
    .split(",")
    .filter(Boolean)
    .map((part) => {
      const [field, order] = part.split(":");
      return defaults(field!, order);
    });
}

function defaults(field: string, order: string | undefined): SortSpec {
  if (field === "_id")
    throw badRequest(
      "Fielddata access on the _id field is disallowed, the setting [indices.id_field_data.enabled] can be used to change this",
    );
  const o = order === undefined ? (field === "_score" ? "desc" : "asc") : order.toLowerCase();
  if (o !== "asc" && o !== "desc") throw badRequest(`No sort order for [${order}]`);
  return { field, order: o, missing: "_last" };
}

/** A hit's value for one sort key: number, string, or null when missing. */
export type SortValue = number | string | null;

/** Reads sort values for an index's documents, or fails as Elasticsearch does for the field. */
export function sortReader(
  index: SearchIndex,
  spec: SortSpec,
  ctx: QueryContext,
): (doc: number, score: number) => SortValue {
  if (spec.field === "_score") return (_doc, score) => score;
  if (spec.field === "_doc") return (doc) => doc;
  const def = index.mapping.fields.get(spec.field);
  if (!def) {
    if (spec.unmappedType) return () => null;
    throw queryShardError(ctx, `No mapping found for [${spec.field}] in order to sort on`);
  }
  if (def.type === "text") {
    throw shardIllegal(
      ctx,
      `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${def.path}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
    );
  }
  if (def.type === "dense_vector")
    throw shardIllegal(ctx, `Field [${def.path}] of type [dense_vector] doesn't support sort`);
  const seg = index.segment;
  if (def.type === "keyword") {
    const field = seg.keyword.get(def.path);
    return (doc) => {
      const v = field?.values[doc];
      if (!v) return null;
      const mode = spec.mode ?? (spec.order === "desc" ? "max" : "min");
      return mode === "max" ? v[v.length - 1]! : v[0]!;
    };
  }
  const field = seg.numeric.get(def.path);
  return (doc) => {
    const values = field?.valuesOf(doc);
    if (!values) return null;
    switch (spec.mode ?? (spec.order === "desc" ? "max" : "min")) {
      case "max":
        return values[values.length - 1]!;
      case "sum":
        return values.reduce((a, b) => a + b, 0);
      case "avg":
        return values.reduce((a, b) => a + b, 0) / values.length;
      case "median": {
        const m = values.length >> 1;
        return values.length % 2 ? values[m]! : (values[m - 1]! + values[m]!) / 2;
      }
      default:
        return values[0]!;
    }
  };
}

function shardIllegal(ctx: QueryContext, reason: string) {
  const e = queryShardError(ctx, reason);
  (e.cause_ as { type: string }).type = "illegal_argument_exception";
  return e;
}

/** Compares two hits' sort keys (missing values first or last as asked). */
export function compareSortValues(a: SortValue[], b: SortValue[], specs: SortSpec[]): number {
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    const missingFirst = spec.missing === "_first";
    if (x === null) return missingFirst ? -1 : 1;
    if (y === null) return missingFirst ? 1 : -1;
    const c =
      typeof x === "string" && typeof y === "string" ? compareUtf8(x, y) : (x as number) - (y as number);
    if (c !== 0) return spec.order === "asc" ? c : -c;
  }
  return 0;
}

/** A custom `missing` value stands in for documents without the field. */
export function applyMissing(v: SortValue, spec: SortSpec, def: FieldDef | undefined): SortValue {
  if (v !== null || spec.missing === "_first" || spec.missing === "_last" || spec.missing === undefined)
    return v;
  if (def && def.type !== "keyword") return Number(spec.missing);
  return String(spec.missing);
}

/** The sort value as Elasticsearch prints it in a hit. */
export function formatSortValue(v: SortValue, spec: SortSpec, def: FieldDef | undefined): unknown {
  if (spec.field === "_score") return shortFloat(v as number);
  if (v === null) {
    if (!def || def.type === "keyword") return null;
    const low = (spec.missing === "_first") === (spec.order === "asc");
    if (
      def.type === "double" ||
      def.type === "float" ||
      def.type === "half_float" ||
      def.type === "scaled_float"
    ) {
      return low ? "-Infinity" : "Infinity";
    }
    return low ? -LONG_MAX : LONG_MAX;
  }
  if (def?.type === "float" || def?.type === "half_float") return shortFloat(v as number);
  return v;
}

/** `search_after` values back to sort keys. */
export function searchAfterKey(values: unknown[], specs: SortSpec[]): SortValue[] {
  if (values.length !== specs.length) {
    throw badRequest(`search_after has ${values.length} value(s) but sort has ${specs.length}.`);
  }
  return values.map((v, i) => {
    if (v === null) return null;
    const spec = specs[i]!;
    if (typeof v === "string" && (v === "Infinity" || v === "-Infinity")) return null;
    if (typeof v === "number" && Math.abs(v) >= LONG_MAX) return null;
    return spec.field === "_score" || spec.field === "_doc" ? Number(v) : (v as SortValue);
  });
}
