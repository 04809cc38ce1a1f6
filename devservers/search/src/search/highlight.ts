import { badRequest, unsupported } from "../errors";
import type { FieldDef } from "../mapping/field-def";
import type { Mapping } from "../mapping/mapping";
import type { Query, QueryTerms } from "../query/ast";

/**
 * The `highlight` section, done as Elasticsearch's default (unified) highlighter in its
 * "weight matches" mode does it: the query's terms are marked in the field's text, a phrase as
 * one span; text is cut into sentence passages of about `fragment_size` characters, the best
 * `number_of_fragments` passages come back in text order (`number_of_fragments: 0` returns the
 * whole value). Fields without a match are left out (no `no_match_size`).
 */
export interface HighlightField {
  pattern: string;
  preTags: string[];
  postTags: string[];
  fragmentSize: number;
  numberOfFragments: number;
  requireFieldMatch: boolean;
  order: "none" | "score";
  encoder: "default" | "html";
}

export interface HighlightSpec {
  fields: HighlightField[];
}

const FIELD_KEYS = [
  "pre_tags",
  "post_tags",
  "fragment_size",
  "number_of_fragments",
  "require_field_match",
  "type",
  "order",
  "encoder",
  "no_match_size",
  "fragmenter",
  "boundary_scanner",
  "boundary_chars",
  "boundary_max_scan",
  "boundary_scanner_locale",
  "max_analyzed_offset",
  "tags_schema",
  "highlight_query",
  "matched_fields",
  "phrase_limit",
  "force_source",
  "fragment_offset",
];

export function parseHighlight(raw: unknown): HighlightSpec {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw badRequest("[highlight] must be an object");
  const top = raw as Record<string, unknown>;
  for (const k of Object.keys(top)) {
    if (k !== "fields" && !FIELD_KEYS.includes(k)) throw badRequest(`[highlight] unknown field [${k}]`);
  }
  const entries: [string, Record<string, unknown>][] = [];
  if (Array.isArray(top.fields)) {
    for (const item of top.fields)
      for (const [k, v] of Object.entries(item as object))
        entries.push([k, (v ?? {}) as Record<string, unknown>]);
  } else if (top.fields && typeof top.fields === "object") {
    for (const [k, v] of Object.entries(top.fields)) entries.push([k, (v ?? {}) as Record<string, unknown>]);
  } else {
    throw badRequest("[highlight] requires [fields]");
  }
  const fields = entries.map(([pattern, o]) => {
    for (const k of Object.keys(o))
      if (!FIELD_KEYS.includes(k)) throw badRequest(`[highlight] unknown field [${k}]`);
    const get = (k: string) => (o[k] !== undefined ? o[k] : top[k]);
    const type = get("type");
    if (type !== undefined && !["unified", "plain", "fvh"].includes(String(type)))
      throw badRequest(`unknown highlighter type [${String(type)}]`);
    if (get("highlight_query") !== undefined) throw unsupported("[highlight] option [highlight_query]");
    if (get("matched_fields") !== undefined) throw unsupported("[highlight] option [matched_fields]");
    if (get("no_match_size") !== undefined && Number(get("no_match_size")) !== 0)
      throw unsupported("[highlight] option [no_match_size]");
    const schema = get("tags_schema");
    const preTags =
      (get("pre_tags") as string[] | undefined) ?? (schema === "styled" ? ['<em class="hlt1">'] : ["<em>"]);
    const postTags = (get("post_tags") as string[] | undefined) ?? ["</em>"];
    const order = String(get("order") ?? "none");
    return {
      pattern,
      preTags: Array.isArray(preTags) ? preTags.map(String) : [String(preTags)],
      postTags: Array.isArray(postTags) ? postTags.map(String) : [String(postTags)],
      fragmentSize: get("fragment_size") !== undefined ? Number(get("fragment_size")) : 100,
      numberOfFragments: get("number_of_fragments") !== undefined ? Number(get("number_of_fragments")) : 5,
      requireFieldMatch: get("require_field_match") !== false,
      order: order === "score" ? "score" : "none",
      encoder: get("encoder") === "html" ? "html" : "default",
    } satisfies HighlightField;
  });
  return { fields };
}

/** Terms and phrases a query looks for, per field (must_not clauses never highlight). */
export function queryTerms(
  q: Query | undefined,
  out: QueryTerms = { terms: new Map(), phrases: new Map() },
): QueryTerms {
  if (!q) return out;
  switch (q.kind) {
    case "term":
      addTerm(out, q.def.path, q.term);
      break;
    case "terms":
      for (const t of q.terms) addTerm(out, q.def.path, t);
      break;
    case "phrase": {
      let list = out.phrases.get(q.def.path);
      if (!list) {
        list = [];
        out.phrases.set(q.def.path, list);
      }
      list.push(q.terms);
      break;
    }
    case "bool":
      for (const c of [...q.must, ...q.should, ...q.filter]) queryTerms(c, out);
      break;
    case "dis_max":
      for (const c of q.queries) queryTerms(c, out);
      break;
    case "constant":
      queryTerms(q.filter, out);
      break;
  }
  return out;
}

function addTerm(out: QueryTerms, field: string, term: string): void {
  let set = out.terms.get(field);
  if (!set) {
    set = new Set();
    out.terms.set(field, set);
  }
  set.add(term);
}

/** Fields a highlight pattern names (text and keyword fields). */
export function highlightFields(mapping: Mapping, pattern: string): FieldDef[] {
  const paths = pattern.includes("*") ? mapping.matchFields(pattern) : [pattern];
  return paths
    .map((p) => mapping.fields.get(p))
    .filter((d): d is FieldDef => d !== undefined && (d.type === "text" || d.type === "keyword"));
}

interface Span {
  start: number;
  end: number;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]!,
  );

/** Spans of one value to mark: query terms, and phrases as a whole. */
function spansOf(
  def: FieldDef,
  value: string,
  terms: Set<string> | undefined,
  phrases: string[][] | undefined,
): Span[] {
  if (def.type === "keyword") {
    return terms?.has(value) ? [{ start: 0, end: value.length }] : [];
  }
  const tokens: { term: string; position: number; start: number; end: number }[] = [];
  def.analyzer!.analyze(value, (term, position, start, end) => tokens.push({ term, position, start, end }));
  const spans: Span[] = [];
  for (const t of tokens) if (terms?.has(t.term)) spans.push({ start: t.start, end: t.end });
  for (const phrase of phrases ?? []) {
    for (let i = 0; i + phrase.length <= tokens.length; i++) {
      let ok = true;
      for (let j = 0; j < phrase.length; j++) {
        const tok = tokens[i + j]!;
        if (tok.term !== phrase[j] || tok.position !== tokens[i]!.position + j) {
          ok = false;
          break;
        }
      }
      if (ok) spans.push({ start: tokens[i]!.start, end: tokens[i + phrase.length - 1]!.end });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

function mark(value: string, from: number, to: number, spans: Span[], field: HighlightField): string {
  const enc = field.encoder === "html" ? escapeHtml : (s: string) => s;
  let out = "";
  let at = from;
  for (const s of spans) {
    if (s.end <= from || s.start >= to) continue;
    out += enc(value.slice(at, s.start));
    out += field.preTags[0] + enc(value.slice(s.start, s.end)) + field.postTags[0];
    at = s.end;
  }
  return out + enc(value.slice(at, to));
}

const sentences = new Intl.Segmenter("en", { granularity: "sentence" });

/**
 * Passages as Lucene's unified highlighter with Elasticsearch's bounded sentence scanner cuts
 * them: a passage starts at the beginning of the sentence holding a match (earlier sentences are
 * left out, even in a short value) and takes the following sentences while it stays within
 * `size` characters; the next match past its end starts the next passage. A sentence far longer
 * than `size` is cut at the first word end past it.
 */
function passages(value: string, size: number, spans: Span[]): Span[] {
  const bounds: number[] = [0];
  for (const seg of sentences.segment(value)) if (seg.index > 0) bounds.push(seg.index);
  bounds.push(value.length);
  const out: Span[] = [];
  let i = 0;
  while (i < spans.length) {
    const first = spans[i]!;
    let k = 0;
    while (k + 1 < bounds.length && bounds[k + 1]! <= first.start) k++;
    const start = bounds[k]!;
    let end = bounds[k + 1] ?? value.length;
    for (let j = k + 2; j < bounds.length && bounds[j]! - start <= size; j++) end = bounds[j]!;
    if (end - start > size * 2 && first.end <= start + size) {
      const cut = value.slice(start + size).search(/\s/);
      if (cut >= 0) end = start + size + cut;
    }
    end = Math.max(end, first.end);
    out.push({ start, end });
    while (i < spans.length && spans[i]!.start < end) i++;
  }
  return out;
}

export function highlightValue(
  def: FieldDef,
  values: string[],
  qt: QueryTerms,
  field: HighlightField,
): string[] {
  const terms = qt.terms.get(def.path);
  const phrases = qt.phrases.get(def.path);
  if (!terms && !phrases) return [];
  const fragments: { text: string; score: number; order: number }[] = [];
  let order = 0;
  for (const value of values) {
    const spans = spansOf(def, value, terms, phrases);
    if (spans.length === 0) continue;
    if (field.numberOfFragments === 0 || def.type === "keyword") {
      fragments.push({
        text: mark(value, 0, value.length, spans, field),
        score: spans.length,
        order: order++,
      });
      continue;
    }
    for (const p of passages(value, field.fragmentSize, spans)) {
      const inside = spans.filter((s) => s.start < p.end && s.end > p.start);
      if (inside.length === 0) continue;
      let end = p.end;
      while (end > p.start && /\s/.test(value[end - 1]!)) end--;
      let start = p.start;
      while (start < end && /\s/.test(value[start]!)) start++;
      fragments.push({ text: mark(value, start, end, inside, field), score: inside.length, order: order++ });
    }
  }
  if (field.numberOfFragments === 0) return fragments.map((fr) => fr.text);
  const best = [...fragments]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, field.numberOfFragments);
  if (field.order === "none") best.sort((a, b) => a.order - b.order);
  return best.map((fr) => fr.text);
}

/** Values of a field in a source, by dotted path (through objects and arrays of objects). */
export function valuesAt(source: unknown, path: string): string[] {
  const parts = path.split(".");
  const out: string[] = [];
  const walk = (v: unknown, i: number) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, i);
      return;
    }
    if (i === parts.length) {
      if (typeof v !== "object") out.push(String(v));
      return;
    }
    if (typeof v !== "object") return;
    const obj = v as Record<string, unknown>;
    // A dotted key in the source ("a.b": 1) is the same field as a nested one.
    for (let j = parts.length; j > i; j--) {
      const key = parts.slice(i, j).join(".");
      if (key in obj) walk(obj[key], j);
    }
  };
  walk(source, 0);
  return out;
}
