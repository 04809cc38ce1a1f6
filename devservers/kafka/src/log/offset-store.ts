import fs from "node:fs";
import path from "node:path";
import type { GroupCommit, SyncJob, SyncTarget } from "./group-commit";
import { syncDir } from "./partition-log";

export interface CommittedOffset {
  offset: number;
  metadata: string;
}

type Line =
  | { g: string; o: Array<[string, number, number, string]> }
  | { g: string; pt: string }
  | { g: string; del: 1 }
  | { t: string; del: 1 };

const COMPACT_AT = 1 << 20;
/** Committed offsets reach the disk at most this long after they are written. */
const SYNC_DELAY_MS = 50;

/**
 * Committed consumer-group offsets (Kafka keeps them in `__consumer_offsets`): an append-only file
 * of JSON lines, synced through the group commit before an OffsetCommit is answered, replayed at
 * start (a torn last line is cut off) and rewritten compactly once it has grown.
 */
export class OffsetStore implements SyncTarget {
  private groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private protocolTypes = new Map<string, string>();
  private fd: number;
  private size: number;
  private compactAt = COMPACT_AT;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly groupCommit: GroupCommit,
  ) {
    this.file = path.join(dir, "consumer-offsets.jsonl");
    if (!fs.existsSync(this.file)) {
      fs.writeFileSync(this.file, "");
      syncDir(dir);
    }
    const text = fs.readFileSync(this.file);
    let good = 0;
    let start = 0;
    for (let nl = text.indexOf(10, start); nl !== -1; nl = text.indexOf(10, start)) {
      let line: Line;
      try {
        line = JSON.parse(text.toString("utf8", start, nl)) as Line;
      } catch {
        break; // a torn write: nothing after it was acknowledged
      }
      this.apply(line);
      start = nl + 1;
      good = start;
    }
    this.fd = fs.openSync(this.file, "r+");
    this.size = good;
    if (good < text.length) {
      fs.ftruncateSync(this.fd, good);
      fs.fdatasyncSync(this.fd);
    }
    if (this.size > this.compactAt) this.compact();
  }

  beginSync(): SyncJob | null {
    return { fds: [this.fd], commit() {} };
  }

  /**
   * Records the offsets: written at once (a `kill -9` keeps them: the page cache outlives the
   * process) and fdatasynced within SYNC_DELAY_MS by the group commit, without holding the answer. Kafka acks a
   * commit once `__consumer_offsets` is replicated, never after an fsync, and kafkajs awaits every
   * commit before its next fetch: waiting for the disk here would put an fsync into every
   * consumer's loop. What a power cut could take is the last milliseconds of commits, which means
   * redelivery (at-least-once), never a lost message.
   */
  commit(
    group: string,
    entries: Array<{ topic: string; partition: number; offset: number; metadata: string }>,
  ) {
    if (entries.length === 0) return;
    if (this.size > this.compactAt) this.compact();
    this.write({ g: group, o: entries.map((e) => [e.topic, e.partition, e.offset, e.metadata]) });
    this.syncSoon();
  }

  /** Remembers a group's protocol type, so ListGroups shows it after a restart as Kafka does. */
  setProtocolType(group: string, protocolType: string): void {
    if (this.protocolTypes.get(group) === protocolType) return;
    this.write({ g: group, pt: protocolType });
    this.syncSoon();
  }

  async deleteGroup(group: string): Promise<void> {
    this.write({ g: group, del: 1 });
    await this.groupCommit.durable(this);
  }

  /** A deleted topic's offsets go with it. */
  deleteTopic(topic: string): void {
    this.write({ t: topic, del: 1 });
    this.syncSoon();
  }

  /**
   * One background fdatasync per SYNC_DELAY_MS however many commits came in: a consumer group
   * commits after every fetched batch (kafkajs does), and a sync each time would double the
   * broker's fsyncs for nothing a client can observe.
   */
  private syncSoon(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      if (this.fd >= 0) this.groupCommit.touch(this);
    }, SYNC_DELAY_MS);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, by topic. */
  all(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(group) ?? new Map();
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group) || this.protocolTypes.has(group);
  }

  protocolType(group: string): string {
    return this.protocolTypes.get(group) ?? "";
  }

  groupIds(): string[] {
    return [...new Set([...this.groups.keys(), ...this.protocolTypes.keys()])];
  }

  close(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.fd >= 0) {
      fs.fdatasyncSync(this.fd); // a clean stop leaves every commit on disk
      fs.closeSync(this.fd);
    }
    this.fd = -1;
  }

  private write(line: Line): void {
    const data = Buffer.from(`${JSON.stringify(line)}\n`);
    let done = 0;
    while (done < data.length)
      done += fs.writeSync(this.fd, data, done, data.length - done, this.size + done);
    this.size += data.length;
    this.apply(line);
  }

  private apply(line: Line): void {
    if ("t" in line) {
      for (const topics of this.groups.values()) topics.delete(line.t);
    } else if ("del" in line) {
      this.groups.delete(line.g);
      this.protocolTypes.delete(line.g);
    } else if ("pt" in line) {
      this.protocolTypes.set(line.g, line.pt);
    } else {
      let topics = this.groups.get(line.g);
      if (!topics) {
        topics = new Map();
        this.groups.set(line.g, topics);
      }
      for (const [topic, partition, offset, metadata] of line.o) {
        let partitions = topics.get(topic);
        if (!partitions) {
          partitions = new Map();
          topics.set(topic, partitions);
        }
        partitions.set(partition, { offset, metadata });
      }
    }
  }

  /** Rewrites the file as one line per group (temp file, fsync, rename, fsync of the directory). */
  private compact(): void {
    const lines: string[] = [];
    for (const [g, pt] of this.protocolTypes) lines.push(JSON.stringify({ g, pt }));
    for (const [g, topics] of this.groups) {
      const o: Array<[string, number, number, string]> = [];
      for (const [t, parts] of topics) for (const [p, c] of parts) o.push([t, p, c.offset, c.metadata]);
      lines.push(JSON.stringify({ g, o }));
    }
    const data = Buffer.from(lines.length ? `${lines.join("\n")}\n` : "");
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, "w+");
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
    fs.renameSync(tmp, this.file);
    syncDir(this.dir);
    const old = this.fd;
    this.fd = fd;
    this.size = data.length;
    this.compactAt = Math.max(COMPACT_AT, data.length * 4);
    // A flush may still be syncing the old file: close it once that sync has returned.
    this.groupCommit.afterRunningSyncs(() => fs.closeSync(old));
  }
}
