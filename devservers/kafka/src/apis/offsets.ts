import type { RequestContext } from "../context";
import { ErrorCode } from "../protocol/errors";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

/** offset.metadata.max.bytes */
const MAX_METADATA = 4096;

/**
 * OffsetCommit v5: the member/generation check of the group coordinator, then per partition
 * (unknown partitions and oversized metadata refused); written before the answer, synced by the
 * next group commit (see OffsetStore.commit).
 */
export function offsetCommit(ctx: RequestContext, r: Reader, w: Writer): void {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), offset: r.int64(), metadata: r.nullableString() })),
  }));
  const { broker } = ctx;
  const groupError = groupId
    ? broker.groups.checkCommit(groupId, generationId, memberId)
    : ErrorCode.INVALID_GROUP_ID;
  const accepted: Array<{ topic: string; partition: number; offset: number; metadata: string }> = [];
  const results = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      let error: number = groupError;
      if (error === ErrorCode.NONE) {
        if (!broker.topics.partition(t.name, p.partition)) error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if ((p.metadata?.length ?? 0) > MAX_METADATA) error = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        else
          accepted.push({
            topic: t.name,
            partition: p.partition,
            offset: p.offset,
            metadata: p.metadata ?? "",
          });
      }
      return { partition: p.partition, error };
    }),
  }));
  if (accepted.length > 0) broker.offsets.commit(groupId, accepted);
  w.int32(0);
  w.array(results, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.partition).int16(p.error));
  });
}

/** OffsetFetch v4: -1 and "" for partitions without a commit; a null topic list means all. */
export function offsetFetch(ctx: RequestContext, r: Reader, w: Writer): void {
  const groupId = r.string();
  const topics = r.nullableArray((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) }));
  const { offsets } = ctx.broker;
  const wanted =
    topics ??
    [...offsets.all(groupId)].map(([name, partitions]) => ({
      name,
      partitions: [...partitions.keys()].sort((a, b) => a - b),
    }));
  w.int32(0);
  w.array(wanted, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const c = offsets.get(groupId, t.name, p);
      w.int32(p)
        .int64(c?.offset ?? -1)
        .nullableString(c?.metadata ?? "")
        .int16(ErrorCode.NONE);
    });
  });
  w.int16(ErrorCode.NONE);
}
