import { mongoError } from "../errors";
import { type Doc, isPlainObject } from "./paths";

/**
 * Collations through `Intl.Collator` (Node's ICU, the library mongod uses). A spec is validated
 * with mongod's errors; options Intl has no way to express (strength 4/5, caseLevel above
 * strength 1, `backwards` other than the locale's, `normalization`, `alternate: "shifted"` with
 * `maxVariable: "space"`) are refused with 238 NotImplemented rather than approximated.
 */
export interface Collation {
  /** The normalized spec, as mongod echoes it (`locale` first, every option filled in). */
  spec: Doc;
  compare(a: string, b: string): number;
}

/** The ICU version mongod 7.0 reports in a collation spec's `version`. */
const ICU_VERSION = "57.1";

/** Locales whose CLDR rules compare accents backwards (French, Canada). */
const BACKWARDS_BY_DEFAULT = new Set(["fr_CA"]);

const KEYWORDS: Record<string, string> = {
  phonebook: "phonebk",
  traditional: "trad",
  dictionary: "dict",
  gb2312han: "gb2312",
};

const cache = new Map<string, Collation | undefined>();

/** The simple (binary) collation is `undefined`; anything else a comparator. */
export function parseCollation(raw: unknown, field = "collation"): Collation | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    throw mongoError(
      "TypeMismatch",
      `BSON field '${field}' is the wrong type '${Array.isArray(raw) ? "array" : typeof raw}', expected type 'object'`,
    );
  }
  const key = JSON.stringify(raw);
  if (cache.has(key)) return cache.get(key);
  const parsed = build(raw);
  if (cache.size > 1000) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

function render(spec: Doc): string {
  const parts = Object.entries(spec).map(
    ([k, v]) => `${k}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}`,
  );
  return parts.length ? `{ ${parts.join(", ")} }` : "{}";
}

const BSON_TYPE_NAMES: Record<string, string> = {
  string: "string",
  number: "double",
  boolean: "bool",
  object: "object",
  undefined: "missing",
};

function typeNameOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number" && Number.isInteger(v)) return "int";
  return BSON_TYPE_NAMES[typeof v] ?? typeof v;
}

function extract<T>(raw: Doc, name: string, kind: "string" | "boolean" | "number"): T | undefined {
  const v = raw[name];
  if (v === undefined) return undefined;
  const ok = kind === "number" ? typeof v === "number" : typeof v === kind;
  if (!ok) {
    const expected = kind === "boolean" ? "bool" : kind === "number" ? "number" : "string";
    throw mongoError(
      "TypeMismatch",
      `"${name}" had the wrong type. Expected ${expected}, found ${typeNameOf(v)}`,
    );
  }
  return v as T;
}

function oneOf(name: string, value: string, allowed: string[]): void {
  if (allowed.includes(value)) return;
  const list =
    allowed.length === 2
      ? `'${allowed[0]}' or '${allowed[1]}'`
      : `${allowed
          .slice(0, -1)
          .map((a) => `'${a}'`)
          .join(", ")}, or '${allowed[allowed.length - 1]}'`;
  throw mongoError("FailedToParse", `Field '${name}' must be ${list}. Got: ${value}`);
}

/** mongod's locale id (`en_US`, `de@collation=phonebook`) as a BCP 47 tag for Intl. */
function toBcp47(locale: string): string {
  const [base = "", keyword] = locale.split("@");
  let tag = base.replace(/_/g, "-");
  const m = keyword ? /^collation=(\w+)$/.exec(keyword) : null;
  if (keyword && !m) return "";
  if (m) tag += `-u-co-${KEYWORDS[m[1]!] ?? m[1]}`;
  return tag;
}

function fromBcp47(tag: string): string {
  const [base = "", ext] = tag.split("-u-co-");
  const keyword = ext ? (Object.entries(KEYWORDS).find(([, v]) => v === ext)?.[0] ?? ext) : undefined;
  return base.replace(/-/g, "_") + (keyword ? `@collation=${keyword}` : "");
}

function build(raw: Doc): Collation | undefined {
  if (raw.locale === undefined) throw mongoError("NoSuchKey", 'Missing expected field "locale"');
  const locale = extract<string>(raw, "locale", "string")!;
  if (locale.includes("\0")) {
    throw mongoError("BadValue", `Field 'locale' cannot contain null byte. Collation spec: ${render(raw)}`);
  }
  if (locale === "simple") {
    if (Object.keys(raw).length > 1) {
      throw mongoError(
        "FailedToParse",
        `If locale=simple, no other fields should be present in: ${render(raw)}`,
      );
    }
    return undefined;
  }
  if (locale === "")
    throw mongoError("BadValue", `Field 'locale' cannot be the empty string in: ${render(raw)}`);
  const tag = toBcp47(locale);
  let resolved: string | undefined;
  try {
    resolved =
      tag && Intl.Collator.supportedLocalesOf([tag]).length
        ? new Intl.Collator(tag).resolvedOptions().locale
        : undefined;
  } catch {
    resolved = undefined;
  }
  if (!resolved || resolved.toLowerCase() !== tag.toLowerCase()) {
    const suggestion = resolved && resolved !== "en-US" ? `. Did you mean '${fromBcp47(resolved)}'?` : "";
    throw mongoError("BadValue", `Field 'locale' is invalid in: ${render(raw)}${suggestion}`);
  }
  const caseLevel = extract<boolean>(raw, "caseLevel", "boolean") ?? false;
  const caseFirst = extract<string>(raw, "caseFirst", "string") ?? "off";
  oneOf("caseFirst", caseFirst, ["upper", "lower", "off"]);
  const strength = extract<number>(raw, "strength", "number") ?? 3;
  if (![1, 2, 3, 4, 5].includes(strength)) {
    throw mongoError("FailedToParse", `Field 'strength' must be an integer 1 through 5. Got: ${strength}`);
  }
  const numericOrdering = extract<boolean>(raw, "numericOrdering", "boolean") ?? false;
  const alternate = extract<string>(raw, "alternate", "string") ?? "non-ignorable";
  oneOf("alternate", alternate, ["non-ignorable", "shifted"]);
  const maxVariable = extract<string>(raw, "maxVariable", "string") ?? "punct";
  oneOf("maxVariable", maxVariable, ["punct", "space"]);
  const normalization = extract<boolean>(raw, "normalization", "boolean") ?? false;
  const backwards = extract<boolean>(raw, "backwards", "boolean") ?? BACKWARDS_BY_DEFAULT.has(locale);
  const version = extract<string>(raw, "version", "string");
  if (version !== undefined && version !== ICU_VERSION) {
    throw mongoError(
      "IncompatibleCollationVersion",
      `Requested collation version ${version} but the only available collator version was ${ICU_VERSION}. Requested collation spec: ${render(raw)}`,
    );
  }
  const known = [
    "locale",
    "caseLevel",
    "caseFirst",
    "strength",
    "numericOrdering",
    "alternate",
    "maxVariable",
  ];
  known.push("normalization", "backwards", "version");
  if (Object.keys(raw).some((k) => !known.includes(k))) {
    throw mongoError(
      "FailedToParse",
      `Collation spec contains unknown field. Collation spec: ${render(raw)}`,
    );
  }
  const spec: Doc = {
    locale,
    caseLevel,
    caseFirst,
    strength,
    numericOrdering,
    alternate,
    maxVariable,
    normalization,
    backwards,
    version: ICU_VERSION,
  };
  if (backwards && strength === 1) {
    throw mongoError("BadValue", `'backwards' is invalid with 'strength' of 1 in: ${render(spec)}`);
  }
  if (caseFirst !== "off" && !caseLevel && strength <= 2) {
    throw mongoError(
      "BadValue",
      `'caseFirst' is invalid unless 'caseLevel' is on or 'strength' is greater than 2 in: ${render(spec)}`,
    );
  }
  const refuse = (what: string) => {
    throw mongoError("NotImplemented", `collation ${what} is not supported by this server`);
  };
  if (strength > 3) refuse(`strength ${strength}`);
  if (caseLevel && strength !== 1) refuse(`caseLevel with strength ${strength}`);
  if (normalization) refuse("normalization");
  if (backwards !== BACKWARDS_BY_DEFAULT.has(locale))
    refuse(`backwards: ${backwards} for locale '${locale}'`);
  if (alternate === "shifted" && maxVariable === "space")
    refuse("alternate 'shifted' with maxVariable 'space'");
  const intl = new Intl.Collator(tag, {
    usage: "sort",
    sensitivity: strength === 1 ? (caseLevel ? "case" : "base") : strength === 2 ? "accent" : "variant",
    caseFirst: (caseFirst === "off" ? "false" : caseFirst) as "upper" | "lower" | "false",
    numeric: numericOrdering,
    ...(raw.alternate !== undefined ? { ignorePunctuation: alternate === "shifted" } : {}),
  });
  return { spec, compare: intl.compare };
}

/** Collations travel in mingo's options (`collation`): the comparator for one, if not simple. */
export function stringComparator(options: unknown): ((a: string, b: string) => number) | undefined {
  const c = (options as { collation?: unknown } | undefined)?.collation;
  return c && typeof (c as Collation).compare === "function" ? (c as Collation).compare : undefined;
}
