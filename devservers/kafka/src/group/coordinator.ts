/**
 * The classic consumer-group protocol, as Kafka's GroupCoordinator runs it for dynamic members:
 * Empty → PreparingRebalance (members join; the join completes when every known member has
 * rejoined or the rebalance timeout expires) → CompletingRebalance (the leader's SyncGroup hands
 * out assignments) → Stable; a joining, leaving or expired member starts the next rebalance.
 * Sessions expire after the member's session timeout without heartbeats. Membership lives in
 * memory (a restart empties the groups, as members then rejoin); committed offsets are durable in
 * the OffsetStore.
 */
import { randomUUID } from "node:crypto";
import type { OffsetStore } from "../log/offset-store";
import { ErrorCode } from "../protocol/errors";

export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
  clientHost: string;
}

export interface JoinResult {
  error: number;
  generationId: number;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult {
  error: number;
  assignment: Buffer;
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocol: string;
  members: Array<{
    memberId: string;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }>;
}

export interface CoordinatorOptions {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
}

const EMPTY = Buffer.alloc(0);

class Member {
  assignment: Buffer = EMPTY;
  awaitingJoin: ((r: JoinResult) => void) | null = null;
  awaitingSync: ((r: SyncResult) => void) | null = null;
  sessionTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly memberId: string,
    readonly clientId: string,
    readonly clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: Protocol[],
  ) {}

  metadata(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  matches(protocols: Protocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata),
      )
    );
  }
}

class Group {
  state: GroupState = "Empty";
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not joined yet (expire after the session timeout). */
  readonly pending = new Map<string, NodeJS.Timeout>();
  joinTimer: NodeJS.Timeout | undefined;
  initialDelay: NodeJS.Timeout | undefined;

  constructor(readonly id: string) {}

  allJoined(): boolean {
    if (this.pending.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  /** Protocols every member supports. */
  candidates(): Set<string> {
    let common: string[] | null = null;
    for (const m of this.members.values()) {
      const names = m.protocols.map((p) => p.name);
      common = common === null ? names : common.filter((n) => names.includes(n));
    }
    return new Set(common ?? []);
  }

  supports(protocolType: string, protocols: Protocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const candidates = this.candidates();
    return protocols.some((p) => candidates.has(p.name));
  }

  /** Kafka's vote: each member picks its most preferred candidate; the most picked wins. */
  selectProtocol(): string {
    const candidates = this.candidates();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = "";
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }
}

export class GroupCoordinator {
  private groups = new Map<string, Group>();
  private closed = false;

  constructor(
    private readonly offsets: OffsetStore,
    private readonly opts: CoordinatorOptions,
  ) {}

  join(req: JoinRequest): Promise<JoinResult> {
    const fail = (error: number, memberId = req.memberId): Promise<JoinResult> =>
      Promise.resolve({ error, generationId: -1, protocolName: null, leaderId: "", memberId, members: [] });
    if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    if (
      req.sessionTimeoutMs < this.opts.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.opts.maxSessionTimeoutMs
    ) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    // Static membership (KIP-345) is not implemented: refused rather than treated as dynamic.
    if (req.groupInstanceId !== null) return fail(ErrorCode.INVALID_REQUEST);
    const unknown = req.memberId === "";
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (!unknown) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      group = new Group(req.groupId);
      this.groups.set(req.groupId, group);
    }
    if (group.state === "Dead") return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!group.supports(req.protocolType, req.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    if (unknown) {
      // JoinGroup v4+: the member must come back with the id it is given.
      const memberId = `${req.clientId}-${randomUUID()}`;
      const g = group;
      g.pending.set(
        memberId,
        setTimeout(() => {
          g.pending.delete(memberId);
          this.tryCompleteJoin(g);
        }, req.sessionTimeoutMs),
      );
      return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    }

    return new Promise<JoinResult>((resolve) => {
      const g = group;
      const pendingTimer = g.pending.get(req.memberId);
      if (pendingTimer) {
        clearTimeout(pendingTimer);
        g.pending.delete(req.memberId);
        this.addMemberAndRebalance(g, req, resolve);
        return;
      }
      const member = g.members.get(req.memberId);
      if (!member || g.state === "Empty") {
        resolve({
          error: ErrorCode.UNKNOWN_MEMBER_ID,
          generationId: -1,
          protocolName: null,
          leaderId: "",
          memberId: req.memberId,
          members: [],
        });
        return;
      }
      const unchanged = member.matches(req.protocols);
      if (
        g.state === "PreparingRebalance" ||
        !unchanged ||
        (g.state === "Stable" && member.memberId === g.leaderId)
      ) {
        member.protocols = req.protocols;
        member.sessionTimeoutMs = req.sessionTimeoutMs;
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
        member.awaitingJoin = resolve;
        if (g.state === "PreparingRebalance") this.tryCompleteJoin(g);
        else this.prepareRebalance(g);
        return;
      }
      // A follower rejoining with the same metadata: the current generation stands.
      this.scheduleSession(g, member);
      resolve(this.joinResult(g, member));
    });
  }

  sync(groupId: string, generationId: number, memberId: string, assignments: Map<string, Buffer>) {
    return new Promise<SyncResult>((resolve) => {
      const fail = (error: number) => resolve({ error, assignment: EMPTY });
      const group = this.groups.get(groupId);
      if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      const member = group.members.get(memberId);
      if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
      switch (group.state) {
        case "Empty":
          return fail(ErrorCode.UNKNOWN_MEMBER_ID);
        case "Dead":
          return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        case "PreparingRebalance":
          return fail(ErrorCode.REBALANCE_IN_PROGRESS);
        case "Stable":
          this.scheduleSession(group, member);
          return resolve({ error: ErrorCode.NONE, assignment: member.assignment });
        case "CompletingRebalance":
          member.awaitingSync = resolve;
          this.scheduleSession(group, member);
          if (memberId === group.leaderId) {
            for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
            group.state = "Stable";
            for (const m of group.members.values()) {
              const answer = m.awaitingSync;
              m.awaitingSync = null;
              answer?.({ error: ErrorCode.NONE, assignment: m.assignment });
            }
          }
      }
    });
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === "Dead") return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.state === "Empty") return ErrorCode.UNKNOWN_MEMBER_ID;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.scheduleSession(group, member);
    return group.state === "PreparingRebalance" ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(groupId: string, memberIds: string[]): Array<{ memberId: string; error: number }> {
    const group = this.groups.get(groupId);
    return memberIds.map((memberId) => {
      if (!group) return { memberId, error: ErrorCode.UNKNOWN_MEMBER_ID };
      const pending = group.pending.get(memberId);
      if (pending) {
        clearTimeout(pending);
        group.pending.delete(memberId);
        this.tryCompleteJoin(group);
        return { memberId, error: ErrorCode.NONE };
      }
      const member = group.members.get(memberId);
      if (!member) return { memberId, error: ErrorCode.UNKNOWN_MEMBER_ID };
      this.removeMember(group, member);
      return { memberId, error: ErrorCode.NONE };
    });
  }

  /**
   * Whether an OffsetCommit from this member/generation may write (Kafka's doCommitOffsets):
   * generation -1 on an empty group is a "simple" (unmanaged) commit.
   */
  checkCommit(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    if (!group) {
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      this.groups.set(groupId, new Group(groupId));
      return ErrorCode.NONE;
    }
    if (group.state === "Dead") return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.state === "Empty") return ErrorCode.NONE;
    if (group.state === "CompletingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.scheduleSession(group, member);
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) {
      const known = this.offsets.hasGroup(groupId);
      return {
        groupId,
        state: known ? "Empty" : "Dead",
        protocolType: known ? this.offsets.protocolType(groupId) : "",
        protocol: "",
        members: [],
      };
    }
    const stable = group.state === "Stable";
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? this.offsets.protocolType(groupId),
      protocol: stable ? (group.protocolName ?? "") : "",
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadata(group.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  list(): Array<{ groupId: string; protocolType: string }> {
    const ids = new Set([...this.groups.keys(), ...this.offsets.groupIds()]);
    return [...ids].sort().map((groupId) => ({
      groupId,
      protocolType: this.groups.get(groupId)?.protocolType ?? this.offsets.protocolType(groupId),
    }));
  }

  /** DeleteGroups: only groups without members (NON_EMPTY_GROUP otherwise), with their offsets. */
  async delete(groupId: string): Promise<number> {
    if (!groupId) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group && !this.offsets.hasGroup(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group && group.state !== "Empty") return ErrorCode.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    await this.offsets.deleteGroup(groupId);
    return ErrorCode.NONE;
  }

  close(): void {
    this.closed = true;
    for (const g of this.groups.values()) {
      clearTimeout(g.joinTimer);
      clearTimeout(g.initialDelay);
      for (const t of g.pending.values()) clearTimeout(t);
      for (const m of g.members.values()) clearTimeout(m.sessionTimer);
    }
  }

  private addMemberAndRebalance(group: Group, req: JoinRequest, resolve: (r: JoinResult) => void): void {
    const member = new Member(
      req.memberId,
      req.clientId,
      req.clientHost,
      req.sessionTimeoutMs,
      req.rebalanceTimeoutMs,
      req.protocols,
    );
    member.awaitingJoin = resolve;
    if (group.members.size === 0) {
      group.protocolType = req.protocolType;
      this.offsets.setProtocolType(group.id, req.protocolType);
    }
    group.members.set(member.memberId, member);
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = member.memberId;
    this.scheduleSession(group, member);
    if (group.state === "PreparingRebalance") this.tryCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  private prepareRebalance(group: Group): void {
    if (group.state === "CompletingRebalance") {
      // Members waiting for their assignment must rejoin first.
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const answer = m.awaitingSync;
        m.awaitingSync = null;
        answer?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      }
    }
    const wasEmpty = group.state === "Empty";
    group.state = "PreparingRebalance";
    clearTimeout(group.joinTimer);
    const timeout = group.rebalanceTimeoutMs();
    group.joinTimer = setTimeout(() => this.completeJoin(group), timeout);
    if (wasEmpty && this.opts.initialRebalanceDelayMs > 0) {
      // group.initial.rebalance.delay.ms: let more of the first members arrive before generation 1.
      group.initialDelay = setTimeout(
        () => {
          group.initialDelay = undefined;
          this.tryCompleteJoin(group);
        },
        Math.min(this.opts.initialRebalanceDelayMs, timeout),
      );
      return;
    }
    this.tryCompleteJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state !== "PreparingRebalance" || group.initialDelay) return;
    if (group.allJoined()) this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    if (this.closed || group.state !== "PreparingRebalance") return;
    clearTimeout(group.joinTimer);
    clearTimeout(group.initialDelay);
    group.joinTimer = undefined;
    group.initialDelay = undefined;
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin) {
        clearTimeout(m.sessionTimer);
        group.members.delete(m.memberId);
      }
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = "Empty";
      group.protocolName = null;
      group.leaderId = null;
      return;
    }
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value!;
    }
    group.protocolName = group.selectProtocol();
    group.state = "CompletingRebalance";
    for (const m of group.members.values()) {
      const answer = m.awaitingJoin!;
      m.awaitingJoin = null;
      this.scheduleSession(group, m);
      answer(this.joinResult(group, m));
    }
  }

  private joinResult(group: Group, member: Member): JoinResult {
    const isLeader = member.memberId === group.leaderId;
    return {
      error: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? "",
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: null,
            metadata: m.metadata(group.protocolName),
          }))
        : [],
    };
  }

  private removeMember(group: Group, member: Member): void {
    clearTimeout(member.sessionTimer);
    group.members.delete(member.memberId);
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    join?.({
      error: ErrorCode.UNKNOWN_MEMBER_ID,
      generationId: -1,
      protocolName: null,
      leaderId: "",
      memberId: member.memberId,
      members: [],
    });
    sync?.({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    if (group.state === "Stable" || group.state === "CompletingRebalance") this.prepareRebalance(group);
    else if (group.state === "PreparingRebalance") this.tryCompleteJoin(group);
  }

  /** (Re)arms the member's session: without a heartbeat, join or sync within it, it is removed. */
  private scheduleSession(group: Group, member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      if (group.members.get(member.memberId) !== member) return;
      // A member waiting on its JoinGroup/SyncGroup answer is alive (Kafka's shouldKeepAlive).
      if (member.awaitingJoin || member.awaitingSync) this.scheduleSession(group, member);
      else this.removeMember(group, member);
    }, member.sessionTimeoutMs);
  }
}
