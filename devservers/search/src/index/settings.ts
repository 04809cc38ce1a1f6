import { badRequest, unsupported } from "../errors";

/**
 * Index settings as Elasticsearch stores them: flat `index.*` keys with string values, accepted
 * nested (`{index: {refresh_interval: "1s"}}`), flat (`{"index.refresh_interval": "1s"}`) or
 * without the prefix (`{refresh_interval: "1s"}`), and returned nested.
 */
export type FlatSettings = Record<string, string>;

const KNOWN = new Set([
  "index.number_of_shards",
  "index.number_of_replicas",
  "index.refresh_interval",
  "index.max_result_window",
  "index.max_inner_result_window",
  "index.highlight.max_analyzed_offset",
  "index.mapping.total_fields.limit",
  "index.mapping.depth.limit",
  "index.mapping.nested_fields.limit",
  "index.query.default_field",
  "index.search.idle.after",
  "index.translog.durability",
  "index.translog.sync_interval",
  "index.codec",
  "index.hidden",
  "index.auto_expand_replicas",
  "index.max_ngram_diff",
  "index.max_shingle_diff",
  "index.max_terms_count",
  "index.max_regex_length",
  "index.priority",
  "index.routing.allocation.include._tier_preference",
  "index.write.wait_for_active_shards",
  "index.highlight.weight_matches_mode.enabled",
]);
const PRIVATE = new Set([
  "index.uuid",
  "index.creation_date",
  "index.provided_name",
  "index.version.created",
]);
/** Settings Elasticsearch has that change behaviour this server does not implement. */
const UNSUPPORTED_PREFIXES = [
  "index.analysis.",
  "index.similarity.",
  "index.sort.",
  "index.blocks.",
  "index.mode",
  "index.knn",
];
const STATIC = new Set(["index.number_of_shards", "index.codec"]);

export function flattenSettings(raw: unknown, prefix = ""): FlatSettings {
  const out: FlatSettings = {};
  if (raw === null || raw === undefined) return out;
  if (typeof raw !== "object" || Array.isArray(raw)) throw badRequest("settings must be an object");
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flattenSettings(v, key));
    else out[key] = v === null ? "" : Array.isArray(v) ? v.map(String).join(",") : String(v);
  }
  return out;
}

function normalizeKey(key: string): string {
  return key.startsWith("index.") ? key : `index.${key}`;
}

/** Validates incoming settings (creation or update) and returns them with `index.` keys. */
export function validateSettings(raw: unknown, creating: boolean): FlatSettings {
  const flat = flattenSettings(raw);
  const out: FlatSettings = {};
  for (const [k, v] of Object.entries(flat)) {
    const key = normalizeKey(k);
    if (UNSUPPORTED_PREFIXES.some((p) => key.startsWith(p))) {
      if (key.startsWith("index.similarity.default.type") && v === "BM25") continue;
      throw unsupported(`index setting [${key}]`);
    }
    if (PRIVATE.has(key)) {
      throw badRequest(`private index setting [${key}] can not be set explicitly`);
    }
    if (!KNOWN.has(key)) {
      throw badRequest(
        `unknown setting [${key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings`,
      );
    }
    if (!creating && STATIC.has(key)) {
      throw badRequest(`Can't update non dynamic settings [[${key}]] for open indices`);
    }
    if (key === "index.refresh_interval") parseTimeValue(v, key);
    if (
      key === "index.number_of_shards" ||
      key === "index.number_of_replicas" ||
      key === "index.max_result_window"
    ) {
      const n = Number(v);
      const min = key === "index.number_of_shards" ? 1 : 0;
      if (!Number.isInteger(n) || n < min) {
        throw badRequest(`Failed to parse value [${v}] for setting [${key}] must be >= ${min}`);
      }
    }
    out[key] = v;
  }
  return out;
}

/** Milliseconds of a time value ("1s", "500ms", "-1"); -1 means disabled. */
export function parseTimeValue(value: string, setting: string): number {
  if (value === "-1") return -1;
  if (value === "0") return 0;
  const m = /^(\d+(?:\.\d+)?)(nanos|micros|ms|s|m|h|d)$/.exec(value.trim());
  if (!m) {
    throw badRequest(
      `failed to parse setting [${setting}] with value [${value}] as a time value: unit is missing or unrecognized`,
    );
  }
  const n = Number(m[1]);
  const unit: Record<string, number> = {
    nanos: 1e-6,
    micros: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
  };
  return n * unit[m[2]!]!;
}

/** Nests flat `index.*` keys back into objects, as GET _settings prints them. */
export function nestSettings(flat: FlatSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = key.split(".");
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!;
      if (typeof node[p] !== "object" || node[p] === null) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}
