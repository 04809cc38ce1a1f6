import { calculateObjectSize, Long } from "bson";
import { mongoError } from "../errors";
import { RAW_BSON } from "../storage/bson-doc-map";
import type { Doc } from "./context";

const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  pos: number;
}

/** Open cursors by id; results are materialised once, batches are slices of them. */
export class CursorStore {
  private readonly open = new Map<number, OpenCursor>();

  /** `{cursor: {firstBatch, id, ns}}`, leaving a cursor open when documents remain. */
  firstBatch(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): Doc {
    const n = batchSize === undefined ? DEFAULT_FIRST_BATCH : batchSize;
    const batch = takeBatch(docs, 0, n);
    let id = 0;
    if (batch.length < docs.length && !singleBatch) {
      id = newCursorId(this.open);
      this.open.set(id, { ns, docs, pos: batch.length });
    }
    return { cursor: { firstBatch: batch, id: Long.fromNumber(id), ns }, ok: 1 };
  }

  getMore(id: number, ns: string, batchSize: number | undefined): Doc {
    const c = this.open.get(id);
    if (!c) throw mongoError("CursorNotFound", `cursor id ${id} not found`);
    if (c.ns !== ns) {
      throw mongoError(
        "Unauthorized",
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`,
      );
    }
    const batch = takeBatch(c.docs, c.pos, batchSize && batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY);
    c.pos += batch.length;
    let outId = id;
    if (c.pos >= c.docs.length) {
      this.open.delete(id);
      outId = 0;
    }
    return { cursor: { nextBatch: batch, id: Long.fromNumber(outId), ns }, ok: 1 };
  }

  kill(ids: number[]): Doc {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) {
      if (this.open.delete(id)) killed.push(Long.fromNumber(id));
      else notFound.push(Long.fromNumber(id));
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  get size(): number {
    return this.open.size;
  }
}

/** Up to `n` documents from `from`, but never more than ~16 MB of them (at least one). */
function takeBatch(docs: Doc[], from: number, n: number): Doc[] {
  const end = Math.min(docs.length, from + n);
  let bytes = 0;
  for (let i = from; i < end; i++) {
    const doc = docs[i]!;
    bytes += (doc as { [RAW_BSON]?: Buffer })[RAW_BSON]?.length ?? calculateObjectSize(doc);
    if (bytes > MAX_BATCH_BYTES && i > from) return docs.slice(from, i);
  }
  return docs.slice(from, end);
}

function newCursorId(open: Map<number, unknown>): number {
  for (;;) {
    const id = Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1;
    if (!open.has(id)) return id;
  }
}
