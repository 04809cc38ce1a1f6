import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ErrorCode, KafkaError } from "../protocol/errors";
import type { GroupCommit } from "./group-commit";
import { PartitionLog, syncDir } from "./partition-log";
import { effectiveSettings, type TopicSettings, topicNameError } from "./topic-config";

export interface Topic {
  name: string;
  id: string;
  configs: Record<string, string>;
  settings: TopicSettings;
  partitions: PartitionLog[];
}

interface MetaFile {
  version: 1;
  clusterId: string;
  /** Producer ids below this may have been handed out; the next start allocates from here. */
  producerIdBlockEnd: number;
  topics: Record<string, { id: string; partitions: number; configs: Record<string, string> }>;
}

const PRODUCER_ID_BLOCK = 1000;

/**
 * Topics and their partition logs. The catalog is `meta.json` (replaced atomically: temp file,
 * fsync, rename, fsync of the directory); partition logs live in `logs/<topic>-<partition>/`.
 * A partition directory the catalog does not name (a create or delete cut short by a crash) is
 * removed at start.
 */
export class TopicStore {
  private topics = new Map<string, Topic>();
  private meta: MetaFile;
  private nextProducerId: number;
  private readonly logsDir: string;

  /** Segment files are closed only once no running fdatasync can still be using them. */
  private readonly closeFd: (fd: number) => void;

  constructor(
    private readonly dir: string,
    private readonly defaults: TopicSettings,
    groupCommit: GroupCommit,
    private readonly log?: (m: string) => void,
  ) {
    this.closeFd = (fd) => groupCommit.afterRunningSyncs(() => fs.closeSync(fd));
    this.logsDir = path.join(dir, "logs");
    fs.mkdirSync(this.logsDir, { recursive: true });
    const metaPath = path.join(dir, "meta.json");
    if (fs.existsSync(metaPath)) {
      this.meta = JSON.parse(fs.readFileSync(metaPath, "utf8")) as MetaFile;
    } else {
      this.meta = { version: 1, clusterId: clusterId(), producerIdBlockEnd: 0, topics: {} };
      this.writeMeta();
    }
    this.nextProducerId = this.meta.producerIdBlockEnd;
    const wanted = new Set<string>();
    for (const [name, t] of Object.entries(this.meta.topics)) {
      const settings = effectiveSettings(defaults, t.configs);
      const partitions: PartitionLog[] = [];
      for (let p = 0; p < t.partitions; p++) {
        wanted.add(`${name}-${p}`);
        partitions.push(
          PartitionLog.open(this.partitionDir(name, p), name, p, settings, { log, closeFd: this.closeFd }),
        );
      }
      this.topics.set(name, { name, id: t.id, configs: t.configs, settings, partitions });
    }
    for (const entry of fs.readdirSync(this.logsDir)) {
      if (!wanted.has(entry)) {
        log?.(`removing ${entry}: no such topic partition in the catalog`);
        fs.rmSync(path.join(this.logsDir, entry), { recursive: true, force: true });
      }
    }
  }

  get clusterId(): string {
    return this.meta.clusterId;
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  list(): Topic[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /** Throws INVALID_TOPIC_EXCEPTION for an illegal or colliding name, TOPIC_ALREADY_EXISTS if taken. */
  checkNewName(name: string): void {
    const illegal = topicNameError(name);
    if (illegal) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, illegal);
    if (this.topics.has(name))
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const folded = name.replaceAll(".", "_");
    for (const other of this.topics.keys()) {
      if (other.replaceAll(".", "_") === folded) {
        throw new KafkaError(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          `Topic '${name}' collides with existing topic: ${other}`,
        );
      }
    }
  }

  create(name: string, partitionCount: number, configs: Record<string, string>): Topic {
    this.checkNewName(name);
    const settings = effectiveSettings(this.defaults, configs);
    const partitions: PartitionLog[] = [];
    for (let p = 0; p < partitionCount; p++) {
      partitions.push(
        PartitionLog.open(this.partitionDir(name, p), name, p, settings, {
          log: this.log,
          closeFd: this.closeFd,
        }),
      );
    }
    syncDir(this.logsDir);
    const topic: Topic = { name, id: randomUUID(), configs, settings, partitions };
    this.topics.set(name, topic);
    this.meta.topics[name] = { id: topic.id, partitions: partitionCount, configs };
    this.writeMeta();
    return topic;
  }

  addPartitions(name: string, count: number): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    for (let p = topic.partitions.length; p < count; p++) {
      topic.partitions.push(
        PartitionLog.open(this.partitionDir(name, p), name, p, topic.settings, {
          log: this.log,
          closeFd: this.closeFd,
        }),
      );
    }
    syncDir(this.logsDir);
    this.meta.topics[name]!.partitions = count;
    this.writeMeta();
  }

  delete(name: string): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    this.topics.delete(name);
    delete this.meta.topics[name];
    this.writeMeta();
    for (const p of topic.partitions) {
      p.close();
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  }

  /** Producer ids for idempotent producers, unique across restarts (allocated in persisted blocks). */
  allocateProducerId(): number {
    if (this.nextProducerId >= this.meta.producerIdBlockEnd) {
      this.meta.producerIdBlockEnd = this.nextProducerId + PRODUCER_ID_BLOCK;
      this.writeMeta();
    }
    return this.nextProducerId++;
  }

  enforceRetention(now: number): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.enforceRetention(now);
  }

  close(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.close();
  }

  private partitionDir(topic: string, partition: number): string {
    return path.join(this.logsDir, `${topic}-${partition}`);
  }

  private writeMeta(): void {
    const file = path.join(this.dir, "meta.json");
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, JSON.stringify(this.meta, null, 2));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    syncDir(this.dir);
  }
}

/** A Kafka-style cluster id: 16 random bytes, base64url. */
function clusterId(): string {
  return randomBytes(16).toString("base64url");
}
