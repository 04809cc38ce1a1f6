/**
 * Shared harness for the black-box compatibility suite. Tests talk to the server only through the
 * official `mongodb` driver, so the same files run unchanged against a real mongod 7.0:
 * `MONGODB_TEST_URI=mongodb://host:27017 npx vitest run devservers/mongo/test`.
 * Without that variable each test file starts one embedded server of its own.
 */
import { randomBytes } from "node:crypto";
import {
  type Db,
  type Document,
  MongoClient,
  type MongoClientOptions,
  MongoServerError,
  type UpdateFilter,
} from "mongodb";
import { afterAll, afterEach, beforeAll } from "vitest";

export interface MongoContext {
  readonly uri: string;
  readonly client: MongoClient;
  /** A database with a unique name, dropped after the current test. */
  db(): Db;
  /** Another client on the same server, closed after the file. */
  connect(options?: MongoClientOptions): Promise<MongoClient>;
}

export const externalUri = process.env.MONGODB_TEST_URI;

export function uniqueName(prefix = "t"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

export function setupMongo(): MongoContext {
  let uri = "";
  let client: MongoClient | undefined;
  let stop: (() => Promise<void>) | undefined;
  const extraClients: MongoClient[] = [];
  let testDbs: string[] = [];

  beforeAll(async () => {
    if (externalUri) {
      uri = externalUri;
    } else {
      const { startMongo } = await import("../index");
      const server = await startMongo({ quiet: true });
      uri = server.uri;
      stop = () => server.stop();
    }
    client = await new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 }).connect();
  });

  afterEach(async () => {
    const names = testDbs;
    testDbs = [];
    for (const name of names) await client?.db(name).dropDatabase();
  });

  afterAll(async () => {
    for (const c of extraClients) await c.close();
    await client?.close();
    await stop?.();
  });

  return {
    get uri() {
      return uri;
    },
    get client() {
      if (!client) throw new Error("setupMongo(): the client exists only inside tests");
      return client;
    },
    db() {
      const name = uniqueName();
      testDbs.push(name);
      return this.client.db(name);
    },
    async connect(options?: MongoClientOptions) {
      const c = await new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ...options }).connect();
      extraClients.push(c);
      return c;
    },
  };
}

/** Awaits an operation that must be rejected by the server and returns the server's error. */
export async function serverError(operation: Promise<unknown>): Promise<MongoServerError> {
  try {
    await operation;
  } catch (error) {
    if (error instanceof MongoServerError) return error;
    throw error;
  }
  throw new Error("expected the server to reject the operation, but it succeeded");
}

/**
 * The schema of collections whose tests store documents of every shape (`_id` of any type, operators
 * on any path): the driver's generic filter and update types only accept all of them for `any`.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyDoc = any;

/** An update the driver's generic types reject for an `any` schema ($push, $pull…): passed as is. */
export function update(u: Document): UpdateFilter<AnyDoc> {
  return u as UpdateFilter<AnyDoc>;
}
