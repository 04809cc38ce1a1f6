import type { FieldDef } from "../mapping/field-def";

/**
 * A query compiled against one index's mapping: field types resolved, text analyzed, values
 * coerced. Each node says how it scores, as the Lucene query Elasticsearch builds would.
 */
export type Query =
  | { kind: "all"; boost: number }
  | { kind: "none" }
  /** A scored exact term on a text, keyword or boolean field (Lucene TermQuery, BM25). */
  | { kind: "term"; def: FieldDef; term: string; boost: number }
  /** Exact keyword terms, case-insensitively (`case_insensitive: true`): constant score. */
  | { kind: "terms"; def: FieldDef; terms: string[]; caseInsensitive: boolean; boost: number }
  /** Numbers, dates, booleans as numbers: constant score. */
  | {
      kind: "numeric_range";
      def: FieldDef;
      lo: number;
      hi: number;
      loInclusive: boolean;
      hiInclusive: boolean;
      boost: number;
    }
  | { kind: "numeric_terms"; def: FieldDef; values: number[]; boost: number }
  /** Lexicographic range over a keyword or text field's terms: constant score. */
  | {
      kind: "term_range";
      def: FieldDef;
      lo?: string;
      hi?: string;
      loInclusive: boolean;
      hiInclusive: boolean;
      boost: number;
    }
  | { kind: "exists"; defs: FieldDef[]; boost: number }
  | { kind: "ids"; ids: string[]; boost: number }
  /** Terms at relative positions (match_phrase): BM25 with the phrase's frequency. */
  | { kind: "phrase"; def: FieldDef; terms: string[]; positions: number[]; boost: number }
  | {
      kind: "bool";
      must: Query[];
      should: Query[];
      filter: Query[];
      mustNot: Query[];
      minShouldMatch: number;
      boost: number;
    }
  | { kind: "dis_max"; queries: Query[]; tieBreaker: number; boost: number }
  | { kind: "constant"; filter: Query; boost: number };

/** Terms and phrases per field a query looks for (what highlighting marks). */
export interface QueryTerms {
  terms: Map<string, Set<string>>;
  phrases: Map<string, string[][]>;
}
