/**
 * Where each top-level member of a stored source is (`"key": value`, byte offsets relative to
 * the source), recorded at index time. A search that returns only some top-level fields — the
 * usual `_source: ["title", "slug"]`, or everything but a 512-dimension embedding — then reads
 * and decodes just those bytes instead of the whole document.
 *
 * JSON's structural characters are ASCII and UTF-8 never uses ASCII bytes inside a multi-byte
 * character, so the bytes can be scanned directly.
 */
export class MemberKeys {
  private ids = new Map<string, number>();
  names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
}

/** Members up to this size are also kept in memory, so returning them needs no read. */
export const SMALL_MEMBER_BYTES = 256;

export interface Members {
  /** `[keyId, start, end]` per member. */
  spans: Int32Array;
  /** The text of each small member (null for larger ones, read from the log when needed). */
  texts: (string | null)[];
}

/** The members of a source, or undefined when the text is not a plain JSON object. */
export function sourceMembers(buf: Buffer, keys: MemberKeys): Members | undefined {
  const spans = scanMembers(buf, keys);
  if (!spans) return undefined;
  const texts: (string | null)[] = [];
  for (let j = 0; j < spans.length; j += 3) {
    const len = spans[j + 2]! - spans[j + 1]!;
    texts.push(len <= SMALL_MEMBER_BYTES ? buf.toString("utf8", spans[j + 1]!, spans[j + 2]!) : null);
  }
  return { spans, texts };
}

/** `[keyId, start, end]` per member, or undefined when the text is not a plain JSON object. */
export function scanMembers(buf: Buffer, keys: MemberKeys): Int32Array | undefined {
  const n = buf.length;
  let i = 0;
  const ws = () => {
    while (i < n) {
      const c = buf[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const skipString = () => {
    i++;
    while (i < n) {
      const c = buf[i]!;
      if (c === 0x5c) i += 2;
      else if (c === 0x22) {
        i++;
        return;
      } else i++;
    }
  };
  ws();
  if (buf[i] !== 0x7b) return undefined;
  i++;
  const out: number[] = [];
  for (;;) {
    ws();
    if (buf[i] === 0x7d) return Int32Array.from(out);
    if (buf[i] !== 0x22) return undefined;
    const start = i;
    skipString();
    const rawKey = buf.toString("utf8", start + 1, i - 1);
    const key = rawKey.includes("\\") ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
    ws();
    if (buf[i] !== 0x3a) return undefined;
    i++;
    ws();
    let depth = 0;
    while (i < n) {
      const c = buf[i]!;
      if (c === 0x22) {
        skipString();
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) break;
        depth--;
      } else if (c === 0x2c && depth === 0) break;
      i++;
    }
    let end = i;
    while (
      end > start &&
      (buf[end - 1] === 0x20 || buf[end - 1] === 0x0a || buf[end - 1] === 0x0d || buf[end - 1] === 0x09)
    )
      end--;
    out.push(keys.id(key), start, end);
    ws();
    if (buf[i] === 0x2c) i++;
    else if (buf[i] !== 0x7d) return undefined;
  }
}
