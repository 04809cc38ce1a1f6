import { NODE_ID } from "../broker";
import type { RequestContext } from "../context";
import { ErrorCode } from "../protocol/errors";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

const GROUP = 0;
const TRANSACTION = 1;

/** FindCoordinator v2: this broker coordinates every group; transactions are refused. */
export function findCoordinator(ctx: RequestContext, r: Reader, w: Writer): void {
  const key = r.string();
  const keyType = r.int8();
  w.int32(0);
  const fail = (error: number, message: string) => {
    w.int16(error).nullableString(message).int32(-1).string("").int32(-1);
  };
  if (keyType === TRANSACTION)
    fail(ErrorCode.INVALID_REQUEST, "transactions are not supported by this broker");
  else if (keyType !== GROUP) fail(ErrorCode.INVALID_REQUEST, `Unknown coordinator type ${keyType}`);
  else if (!key) fail(ErrorCode.INVALID_GROUP_ID, "The configured groupId is invalid");
  else
    w.int16(ErrorCode.NONE)
      .nullableString(null)
      .int32(NODE_ID)
      .string(ctx.advertised.host)
      .int32(ctx.advertised.port);
}

/** JoinGroup v5 (MEMBER_ID_REQUIRED first for a new member, as v4+). */
export async function joinGroup(ctx: RequestContext, r: Reader, w: Writer): Promise<void> {
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = r.int32();
  const memberId = r.string();
  const groupInstanceId = r.nullableString();
  const protocolType = r.string();
  const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
  const result = await ctx.broker.groups.join({
    groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    memberId,
    groupInstanceId,
    protocolType,
    protocols,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
  });
  w.int32(0).int16(result.error).int32(result.generationId);
  w.string(result.protocolName ?? "")
    .string(result.leaderId)
    .string(result.memberId);
  w.array(result.members, (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId).bytes(m.metadata));
}

/** SyncGroup v3. */
export async function syncGroup(ctx: RequestContext, r: Reader, w: Writer): Promise<void> {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  r.nullableString(); // group_instance_id (static membership is refused at join)
  const assignments = new Map(r.array((r) => [r.string(), Buffer.from(r.bytes())] as const));
  const result = await ctx.broker.groups.sync(groupId, generationId, memberId, assignments);
  w.int32(0).int16(result.error).bytes(result.assignment);
}

/** Heartbeat v3. */
export function heartbeat(ctx: RequestContext, r: Reader, w: Writer): void {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  r.nullableString();
  w.int32(0).int16(ctx.broker.groups.heartbeat(groupId, generationId, memberId));
}

/** LeaveGroup v3 (a batch of members; per-member errors). */
export function leaveGroup(ctx: RequestContext, r: Reader, w: Writer): void {
  const groupId = r.string();
  const members = r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
  const results = ctx.broker.groups.leave(
    groupId,
    members.map((m) => m.memberId),
  );
  w.int32(0).int16(ErrorCode.NONE);
  w.array(results, (w, m) => w.string(m.memberId).nullableString(null).int16(m.error));
}

/** DescribeGroups v2: state, protocol and members (metadata and assignment only when Stable). */
export function describeGroups(ctx: RequestContext, r: Reader, w: Writer): void {
  const ids = r.array((r) => r.string());
  w.int32(0);
  w.array(ids, (w, id) => {
    const d = ctx.broker.groups.describe(id);
    w.int16(ErrorCode.NONE).string(d.groupId).string(d.state).string(d.protocolType).string(d.protocol);
    w.array(d.members, (w, m) =>
      w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment),
    );
  });
}

/** ListGroups v2: every group this coordinator knows, with members or only committed offsets. */
export function listGroups(ctx: RequestContext, _r: Reader, w: Writer): void {
  w.int32(0).int16(ErrorCode.NONE);
  w.array(ctx.broker.groups.list(), (w, g) => w.string(g.groupId).string(g.protocolType));
}

/** DeleteGroups v1: empty groups only (NON_EMPTY_GROUP), with their committed offsets. */
export async function deleteGroups(ctx: RequestContext, r: Reader, w: Writer): Promise<void> {
  const ids = r.array((r) => r.string());
  const results: Array<[string, number]> = [];
  for (const id of ids) results.push([id, await ctx.broker.groups.delete(id)]);
  w.int32(0);
  w.array(results, (w, [id, error]) => w.string(id).int16(error));
}
