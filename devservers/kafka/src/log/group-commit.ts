import fs from "node:fs";
import { promisify } from "node:util";

const fdatasync = promisify(fs.fdatasync);

/** Something with appended data that becomes durable through one fdatasync. */
export interface SyncTarget {
  /**
   * Called when a flush starts: the file to sync and what to do once it is durable (e.g. advance
   * the high watermark to the end offset captured now). null: nothing to sync.
   */
  beginSync(): { fd: number; commit(): void } | null;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit of fsyncs: every append asks for a flush; requests arriving while one flush runs (or
 * in the same turn of the event loop) share the next one, so N producers on the same partition
 * cost one fdatasync, not N. Each target is synced on libuv's thread pool, in parallel with the
 * others, and committed (its waiters answered) as soon as its own sync returns.
 */
export class GroupCommit {
  /** `sync` is fdatasync; tests pass one they control. */
  constructor(private readonly sync: (fd: number) => Promise<void> = fdatasync) {}

  private pending = new Map<SyncTarget, Waiter[]>();
  private running = false;
  private scheduled = false;
  private idle: Array<() => void> = [];

  /** Resolves once everything the target holds now is on disk. */
  durable(target: SyncTarget): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue(target).push({ resolve, reject });
    });
  }

  /** Schedules a sync without waiting for it (acks=0/1 appends, which still become visible at once). */
  touch(target: SyncTarget): void {
    this.enqueue(target);
  }

  /** Resolves when no flush is pending or running. */
  drain(): Promise<void> {
    if (!this.running && !this.scheduled && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private enqueue(target: SyncTarget): Waiter[] {
    let waiters = this.pending.get(target);
    if (!waiters) {
      waiters = [];
      this.pending.set(target, waiters);
    }
    if (!this.running && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.run();
      });
    }
    return waiters;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.pending.size > 0) {
      const batch = this.pending;
      this.pending = new Map();
      await Promise.all(
        [...batch].map(async ([target, waiters]) => {
          try {
            const job = target.beginSync();
            if (job) {
              await this.sync(job.fd);
              job.commit();
            }
            for (const w of waiters) w.resolve();
          } catch (err) {
            for (const w of waiters) w.reject(err);
          }
        }),
      );
    }
    this.running = false;
    for (const done of this.idle.splice(0)) done();
  }
}
