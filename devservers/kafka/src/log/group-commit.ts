import fs from "node:fs";
import { promisify } from "node:util";

const fdatasync = promisify(fs.fdatasync);

/** Something with appended data that becomes durable through one fdatasync. */
export interface SyncTarget {
  /**
   * Called when a flush starts: the files to sync and what to do once they are durable (e.g.
   * record the end offset captured now), or to undo if a sync failed. null: nothing to sync.
   */
  beginSync(): SyncJob | null;
}

export interface SyncJob {
  fds: number[];
  commit(): void;
  failed?(): void;
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
  private afterBatch: Array<() => void> = [];

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

  /**
   * Runs `fn` once the syncs running now have returned (at once when none runs): a file about to
   * be closed may still be in a sync that started before it was dropped.
   */
  afterRunningSyncs(fn: () => void): void {
    if (this.running) this.afterBatch.push(fn);
    else fn();
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
          let job: SyncJob | null = null;
          try {
            job = target.beginSync();
            if (job) {
              await Promise.all(job.fds.map((fd) => this.sync(fd)));
              job.commit();
            }
            for (const w of waiters) w.resolve();
          } catch (err) {
            job?.failed?.();
            for (const w of waiters) w.reject(err);
          }
        }),
      );
      for (const fn of this.afterBatch.splice(0)) fn();
    }
    this.running = false;
    for (const done of this.idle.splice(0)) done();
  }
}
