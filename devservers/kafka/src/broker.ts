import fs from "node:fs";
import path from "node:path";
import { GroupCoordinator } from "./group/coordinator";
import { lockDataDir } from "./log/dir-lock";
import { GroupCommit } from "./log/group-commit";
import { OffsetStore } from "./log/offset-store";
import type { TopicSettings } from "./log/topic-config";
import { TopicStore } from "./log/topic-store";

export interface BrokerConfig {
  /** Data directory (created if missing). */
  dir: string;
  /** auto.create.topics.enable */
  autoCreateTopics: boolean;
  /** num.partitions: partitions of auto-created topics and of CreateTopics with -1. */
  numPartitions: number;
  /** log.* defaults of every topic (retention.bytes, retention.ms, segment.bytes, max.message.bytes…). */
  topicDefaults: TopicSettings;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** How often old segments are checked against retention.ms (log.retention.check.interval.ms). */
  retentionCheckIntervalMs: number;
  log?: (message: string) => void;
}

export const NODE_ID = 1;

export const DEFAULT_TOPIC_SETTINGS: TopicSettings = {
  // Kafka's default is unlimited; a development broker keeps at most 1 GiB per partition.
  retentionBytes: 1024 * 1024 * 1024,
  retentionMs: 7 * 24 * 3600 * 1000,
  // Smaller than Kafka's 1 GiB, so retention frees space in finer steps on a laptop.
  segmentBytes: 16 * 1024 * 1024,
  maxMessageBytes: 1048588,
  minInsyncReplicas: 1,
};

/** The broker's state: topics and their logs, committed offsets, groups, and the group commit. */
export class Broker {
  readonly groupCommit = new GroupCommit();
  readonly topics: TopicStore;
  readonly offsets: OffsetStore;
  readonly groups: GroupCoordinator;
  private readonly unlock: () => void;
  private retentionTimer: NodeJS.Timeout;

  constructor(readonly config: BrokerConfig) {
    this.unlock = lockDataDir(ensureDir(config.dir));
    try {
      this.topics = new TopicStore(config.dir, config.topicDefaults, this.groupCommit, config.log);
      this.offsets = new OffsetStore(config.dir, this.groupCommit);
    } catch (err) {
      this.unlock();
      throw err;
    }
    this.groups = new GroupCoordinator(this.offsets, {
      minSessionTimeoutMs: config.minSessionTimeoutMs,
      maxSessionTimeoutMs: config.maxSessionTimeoutMs,
      initialRebalanceDelayMs: config.initialRebalanceDelayMs,
    });
    this.retentionTimer = setInterval(
      () => this.topics.enforceRetention(Date.now()),
      config.retentionCheckIntervalMs,
    );
    this.retentionTimer.unref();
  }

  get clusterId(): string {
    return this.topics.clusterId;
  }

  deleteTopic(name: string): void {
    this.topics.delete(name);
    this.offsets.deleteTopic(name);
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer);
    this.groups.close();
    await this.groupCommit.drain();
    this.topics.close();
    this.offsets.close();
    this.unlock();
  }
}

function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return path.resolve(dir);
}
