import fs from "node:fs";
import path from "node:path";
import { EsError, indexExists, indexNotFound, invalidIndexName } from "./errors";
import { SearchIndex } from "./index/search-index";
import type { FlatSettings } from "./index/settings";
import { wildcardRegex } from "./mapping/mapping";
import { lockDataDir } from "./storage/lock";

const INVALID_CHARS = ["\\", "/", "*", "?", '"', "<", ">", "|", " ", ",", "#"];

/** Elasticsearch's rules for index names. */
export function validateIndexName(name: string): void {
  if (!name) throw invalidIndexName(name, "must not be empty");
  if (name !== name.toLowerCase()) throw invalidIndexName(name, "must be lowercase");
  if (INVALID_CHARS.some((c) => name.includes(c))) {
    throw invalidIndexName(name, 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  }
  if (name.includes(":")) throw invalidIndexName(name, "must not contain ':'");
  if (/^[_\-+]/.test(name)) throw invalidIndexName(name, "must not start with '_', '-', or '+'");
  if (name === "." || name === "..") throw invalidIndexName(name, "must not be '.' or '..'");
  const bytes = Buffer.byteLength(name);
  if (bytes > 255) throw invalidIndexName(name, `index name is too long, (${bytes} > 255)`);
}

export interface ResolveOptions {
  ignoreUnavailable?: boolean;
  allowNoIndices?: boolean;
}

/** The indices of a data directory, by name. */
export class Engine {
  readonly indices = new Map<string, SearchIndex>();
  private readonly indicesDir: string;
  private unlock: () => void;

  private constructor(readonly dir: string) {
    this.indicesDir = path.join(dir, "indices");
    this.unlock = () => {};
  }

  static open(dir: string): Engine {
    fs.mkdirSync(path.join(dir, "indices"), { recursive: true });
    const engine = new Engine(dir);
    engine.unlock = lockDataDir(dir);
    try {
      for (const entry of fs.readdirSync(engine.indicesDir)) {
        const full = path.join(engine.indicesDir, entry);
        // Leftovers of a creation or deletion a crash interrupted.
        if (entry.startsWith(".tmp-") || entry.endsWith(".deleted")) {
          fs.rmSync(full, { recursive: true, force: true });
          continue;
        }
        if (!fs.existsSync(path.join(full, "meta.json"))) continue;
        const index = SearchIndex.open(full);
        engine.indices.set(index.name, index);
      }
    } catch (err) {
      engine.unlock();
      throw err;
    }
    return engine;
  }

  get(name: string): SearchIndex {
    const index = this.indices.get(name);
    if (!index) throw indexNotFound(name);
    return index;
  }

  create(name: string, settings: FlatSettings, mappings: unknown): SearchIndex {
    validateIndexName(name);
    const existing = this.indices.get(name);
    if (existing) throw indexExists(name, existing.uuid);
    const index = SearchIndex.create(this.indicesDir, name, settings, mappings);
    this.indices.set(name, index);
    return index;
  }

  /** The index a document write goes to, created with dynamic mappings when missing. */
  forWrite(name: string): SearchIndex {
    const existing = this.indices.get(name);
    if (existing) return existing;
    validateIndexName(name);
    return this.create(name, {}, undefined);
  }

  async delete(name: string): Promise<void> {
    const index = this.get(name);
    this.indices.delete(name);
    await index.destroy();
  }

  /**
   * Index names of an expression: comma-separated names and `*` patterns, `_all`, `-pattern`
   * exclusions. A missing concrete index is a 404 unless `ignore_unavailable`.
   */
  resolve(expression: string | undefined, opts: ResolveOptions = {}): SearchIndex[] {
    const names = [...this.indices.keys()].sort();
    if (!expression || expression === "_all" || expression === "*") {
      return names.filter((n) => !n.startsWith(".")).map((n) => this.indices.get(n)!);
    }
    const picked = new Set<string>();
    let sawWildcard = false;
    for (const raw of expression.split(",")) {
      const part = raw.trim();
      if (!part) continue;
      if (part.startsWith("-") && sawWildcard) {
        const re = wildcardRegex(part.slice(1));
        for (const n of [...picked]) if (re.test(n)) picked.delete(n);
        continue;
      }
      if (part.includes("*")) {
        sawWildcard = true;
        const re = wildcardRegex(part);
        for (const n of names) if (re.test(n) && (!n.startsWith(".") || part.startsWith("."))) picked.add(n);
        continue;
      }
      if (part === "_all") {
        for (const n of names) if (!n.startsWith(".")) picked.add(n);
        continue;
      }
      if (!this.indices.has(part)) {
        if (opts.ignoreUnavailable) continue;
        throw indexNotFound(part);
      }
      picked.add(part);
    }
    if (picked.size === 0 && opts.allowNoIndices === false) throw indexNotFound(expression);
    return [...picked].sort().map((n) => this.indices.get(n)!);
  }

  async close(): Promise<void> {
    for (const index of this.indices.values()) await index.close();
    this.unlock();
  }
}

export { EsError };
