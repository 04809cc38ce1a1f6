/**
 * Dates as Elasticsearch reads them: the mapping's `format` (default
 * `strict_date_optional_time||epoch_millis`), named formats and simple Java-style patterns,
 * stored as epoch milliseconds (UTC unless the value names a zone), plus date math
 * (`now-7d/d`, `2024-01-01||+1M`) for range and term queries.
 */
export const DEFAULT_DATE_FORMAT = "strict_date_optional_time||epoch_millis";

type Parser = (value: string) => number | null;

const ISO =
  /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function fromParts(
  year: number,
  month = 1,
  day = 1,
  hour = 0,
  minute = 0,
  second = 0,
  fraction = "",
  zone?: string,
): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000 + 1e-9) : 0;
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 19xx.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month - 1) return null; // 2023-02-30
  let epoch = d.getTime();
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2, 4) || "0");
    epoch -= sign * (zh * 60 + zm) * 60_000;
  }
  return epoch;
}

function isoParser(strict: boolean): Parser {
  return (value) => {
    const m = ISO.exec(value);
    if (!m) return null;
    if (strict && (m[1]!.length !== 4 || value.includes(" "))) return null;
    return fromParts(
      Number(m[1]),
      m[2] ? Number(m[2]) : undefined,
      m[3] ? Number(m[3]) : undefined,
      m[4] ? Number(m[4]) : undefined,
      m[5] ? Number(m[5]) : undefined,
      m[6] ? Number(m[6]) : undefined,
      m[7] ?? "",
      m[8],
    );
  };
}

const epochMillis: Parser = (value) => (/^-?\d+(\.\d+)?$/.test(value) ? Math.trunc(Number(value)) : null);
const epochSecond: Parser = (value) =>
  /^-?\d+(\.\d+)?$/.test(value) ? Math.trunc(Number(value) * 1000) : null;

/** Java DateTimeFormatter letters we understand in custom patterns. */
const PATTERN_TOKENS: Record<string, { re: string; part: string }> = {
  yyyy: { re: "(\\d{4})", part: "year" },
  uuuu: { re: "(\\d{4})", part: "year" },
  MM: { re: "(\\d{2})", part: "month" },
  dd: { re: "(\\d{2})", part: "day" },
  HH: { re: "(\\d{2})", part: "hour" },
  mm: { re: "(\\d{2})", part: "minute" },
  ss: { re: "(\\d{2})", part: "second" },
  SSS: { re: "(\\d{3})", part: "fraction" },
  XXX: { re: "(Z|[+-]\\d{2}:\\d{2})", part: "zone" },
  XX: { re: "(Z|[+-]\\d{4})", part: "zone" },
  Z: { re: "([+-]\\d{4})", part: "zone" },
  X: { re: "(Z|[+-]\\d{2})", part: "zone" },
};

function patternParser(pattern: string): Parser | null {
  let re = "";
  const parts: string[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return null;
      re += escapeRe(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const token = Object.keys(PATTERN_TOKENS)
      .sort((a, b) => b.length - a.length)
      .find((t) => pattern.startsWith(t, i));
    if (token) {
      re += PATTERN_TOKENS[token]!.re;
      parts.push(PATTERN_TOKENS[token]!.part);
      i += token.length;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) return null;
    re += escapeRe(ch);
    i++;
  }
  const regex = new RegExp(`^${re}$`);
  return (value) => {
    const m = regex.exec(value);
    if (!m) return null;
    const get = (part: string) => {
      const k = parts.indexOf(part);
      return k < 0 ? undefined : m[k + 1];
    };
    const num = (part: string) => (get(part) === undefined ? undefined : Number(get(part)));
    return fromParts(
      num("year") ?? 1970,
      num("month"),
      num("day"),
      num("hour"),
      num("minute"),
      num("second"),
      get("fraction") ?? "",
      get("zone"),
    );
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const NAMED: Record<string, Parser> = {
  strict_date_optional_time: isoParser(true),
  date_optional_time: isoParser(false),
  strict_date_optional_time_nanos: isoParser(true),
  epoch_millis: epochMillis,
  epoch_second: epochSecond,
};
for (const [name, pattern] of Object.entries({
  date: "yyyy-MM-dd",
  strict_date: "yyyy-MM-dd",
  year_month_day: "yyyy-MM-dd",
  strict_year_month_day: "yyyy-MM-dd",
  year_month: "yyyy-MM",
  strict_year_month: "yyyy-MM",
  year: "yyyy",
  strict_year: "yyyy",
  basic_date: "yyyyMMdd",
  date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  strict_date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ssXXX",
  strict_date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ssXXX",
  date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss",
  strict_date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss",
  date_hour_minute: "yyyy-MM-dd'T'HH:mm",
  strict_date_hour_minute: "yyyy-MM-dd'T'HH:mm",
})) {
  NAMED[name] = patternParser(pattern)!;
}

const compiled = new Map<string, Parser[] | null>();

/** The parsers of a `format` string, or null when a part of it is not understood. */
export function dateFormatParsers(format: string): Parser[] | null {
  if (compiled.has(format)) return compiled.get(format)!;
  const parsers: Parser[] = [];
  for (const part of format.split("||")) {
    const p = NAMED[part] ?? patternParser(part);
    if (!p) {
      compiled.set(format, null);
      return null;
    }
    parsers.push(p);
  }
  compiled.set(format, parsers);
  return parsers;
}

/**
 * The last millisecond a partial ISO date covers ("2024-01-01" → 23:59:59.999 that day): how
 * Elasticsearch reads the upper bound of `lte`/`gt` and of a term query on a date field.
 */
function roundUpPartial(value: string, t: number): number {
  const m = ISO.exec(value);
  if (!m) return t;
  if (m[7] !== undefined) return t;
  const unit =
    m[6] !== undefined
      ? "s"
      : m[5] !== undefined
        ? "m"
        : m[4] !== undefined
          ? "h"
          : m[3] !== undefined
            ? "d"
            : m[2] !== undefined
              ? "M"
              : "y";
  return addUnit(t, 1, unit) - 1;
}

/** Epoch milliseconds of a value under a format, or null when it does not parse. */
export function parseDate(value: unknown, format = DEFAULT_DATE_FORMAT, roundUp = false): number | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    return format.includes("epoch_second") && !format.includes("epoch_millis")
      ? Math.trunc(value * 1000)
      : Math.trunc(value);
  }
  if (typeof value !== "string") return null;
  const parsers = dateFormatParsers(format) ?? [];
  for (const p of parsers) {
    const t = p(value);
    if (t !== null && Number.isFinite(t))
      return roundUp && p !== epochMillis && p !== epochSecond ? roundUpPartial(value, t) : t;
  }
  return null;
}

const UNIT_MS: Record<string, number> = {
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  H: 3_600_000,
  m: 60_000,
  s: 1000,
};

function addUnit(t: number, n: number, unit: string): number {
  if (unit === "y" || unit === "M") {
    const d = new Date(t);
    if (unit === "y") d.setUTCFullYear(d.getUTCFullYear() + n);
    else d.setUTCMonth(d.getUTCMonth() + n);
    return d.getTime();
  }
  return t + n * UNIT_MS[unit]!;
}

function roundDown(t: number, unit: string): number {
  const d = new Date(t);
  switch (unit) {
    case "y":
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case "M":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case "w": {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const dow = (d.getUTCDay() + 6) % 7; // weeks start on Monday
      return day - dow * 86_400_000;
    }
    default: {
      const ms = UNIT_MS[unit]!;
      return Math.floor(t / ms) * ms;
    }
  }
}

/**
 * A date-math expression to epoch milliseconds. `roundUp` (for `gt` and `lte`) rounds `/unit` to
 * the last millisecond of the unit, as Elasticsearch does.
 */
export function parseDateMath(
  value: unknown,
  format: string,
  roundUp: boolean,
  now = Date.now(),
): number | null {
  if (typeof value === "number") return parseDate(value, format);
  if (typeof value !== "string") return null;
  let anchor: number | null;
  let math: string;
  if (value.startsWith("now")) {
    anchor = now;
    math = value.slice(3);
  } else {
    const sep = value.indexOf("||");
    if (sep < 0) return parseDate(value, format, roundUp);
    anchor = parseDate(value.slice(0, sep), format);
    math = value.slice(sep + 2);
  }
  if (anchor === null) return null;
  let t = anchor;
  let i = 0;
  while (i < math.length) {
    const op = math[i]!;
    if (op === "/") {
      const unit = math[i + 1];
      if (!unit || !/[yMwdhHms]/.test(unit)) return null;
      t = roundDown(t, unit);
      if (roundUp) t = addUnit(t, 1, unit) - 1;
      i += 2;
      continue;
    }
    if (op !== "+" && op !== "-") return null;
    const m = /^(\d*)([yMwdhHms])/.exec(math.slice(i + 1));
    if (!m) return null;
    const n = m[1] ? Number(m[1]) : 1;
    t = addUnit(t, op === "-" ? -n : n, m[2]!);
    i += 1 + m[0].length;
  }
  return t;
}

/** The form Elasticsearch prints a stored date in (`strict_date_optional_time`). */
export function formatDate(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
