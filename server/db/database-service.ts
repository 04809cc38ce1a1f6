import { type Collection, type Db, MongoClient, type MongoClientOptions, type ObjectId } from "mongodb";
import { isDuplicateKeyError } from "./errors";
import { masterIndexes, tenantIndexes } from "./indexes";
import type {
  AuditEntryDoc,
  CommentDoc,
  FavoriteDoc,
  FeedItemDoc,
  FollowDoc,
  LikeDoc,
  MediaDoc,
  MembershipDoc,
  PipelineLatencyDoc,
  PostDoc,
  RevisionDoc,
  ScheduledPostDoc,
  SettingsDoc,
  TenantDoc,
  UserDoc,
  ViewDoc,
} from "./models";

export interface MasterDb {
  db: Db;
  tenants: Collection<TenantDoc>;
  users: Collection<UserDoc>;
  memberships: Collection<MembershipDoc>;
  auditLog: Collection<AuditEntryDoc>;
  globalFeed: Collection<FeedItemDoc>;
  scheduledPosts: Collection<ScheduledPostDoc>;
  follows: Collection<FollowDoc>;
  favorites: Collection<FavoriteDoc>;
  pipelineLatency: Collection<PipelineLatencyDoc>;
}

export interface TenantDb {
  db: Db;
  posts: Collection<PostDoc>;
  comments: Collection<CommentDoc>;
  settings: Collection<SettingsDoc>;
  revisions: Collection<RevisionDoc>;
  media: Collection<MediaDoc>;
  likes: Collection<LikeDoc>;
  views: Collection<ViewDoc>;
}

/** What `forTenant` needs to know of a tenant: its id and, when it has moved, its cluster. */
export type TenantRef = Pick<TenantDoc, "_id"> & Partial<Pick<TenantDoc, "databaseName" | "clusterUri">>;

export interface DatabaseServiceOptions {
  /** The default cluster (master DB and every tenant without a `clusterUri`). */
  uri: string;
  /** Database names are `<prefix>_master` and `<prefix>_tenant_<id>`. */
  prefix: string;
  clientOptions?: MongoClientOptions;
}

/**
 * The only code that turns a name into a database handle. Handlers and services receive a
 * `DatabaseService` and ask it for the master DB or for one tenant's DB; nothing else names a
 * database, so tenant isolation is enforced here and a tenant DB can move to another cluster by
 * changing its record (seed 002 §3.2, §5).
 */
export class DatabaseService {
  private readonly clients = new Map<string, MongoClient>();
  private masterIndexesReady: Promise<void> | null = null;

  constructor(private readonly options: DatabaseServiceOptions) {}

  get prefix(): string {
    return this.options.prefix;
  }

  /** One cached client per cluster URI; the driver pools connections inside it. */
  client(uri: string = this.options.uri): MongoClient {
    let client = this.clients.get(uri);
    if (!client) {
      client = new MongoClient(uri, {
        serverSelectionTimeoutMS: 5_000,
        connectTimeoutMS: 5_000,
        ...this.options.clientOptions,
      });
      this.clients.set(uri, client);
    }
    return client;
  }

  masterDatabaseName(): string {
    return `${this.options.prefix}_master`;
  }

  tenantDatabaseName(tenantId: ObjectId): string {
    return `${this.options.prefix}_tenant_${tenantId.toHexString()}`;
  }

  master(): MasterDb {
    const db = this.client().db(this.masterDatabaseName());
    return {
      db,
      tenants: db.collection<TenantDoc>("tenants"),
      users: db.collection<UserDoc>("users"),
      memberships: db.collection<MembershipDoc>("memberships"),
      auditLog: db.collection<AuditEntryDoc>("audit_log"),
      globalFeed: db.collection<FeedItemDoc>("global_feed"),
      scheduledPosts: db.collection<ScheduledPostDoc>("scheduled_posts"),
      follows: db.collection<FollowDoc>("follows"),
      favorites: db.collection<FavoriteDoc>("favorites"),
      pipelineLatency: db.collection<PipelineLatencyDoc>("pipeline_latency"),
    };
  }

  /** Repositories bound to one tenant's database, on that tenant's cluster. */
  forTenant(tenant: TenantRef): TenantDb {
    const name = tenant.databaseName ?? this.tenantDatabaseName(tenant._id);
    if (name !== this.tenantDatabaseName(tenant._id)) {
      // A record naming another tenant's database would cross tenants; refuse it.
      throw new Error(`tenant ${tenant._id.toHexString()} carries a foreign database name ${name}`);
    }
    const db = this.client(tenant.clusterUri ?? this.options.uri).db(name);
    return {
      db,
      posts: db.collection<PostDoc>("posts"),
      comments: db.collection<CommentDoc>("comments"),
      settings: db.collection<SettingsDoc>("settings"),
      revisions: db.collection<RevisionDoc>("revisions"),
      media: db.collection<MediaDoc>("media"),
      likes: db.collection<LikeDoc>("likes"),
      views: db.collection<ViewDoc>("views"),
    };
  }

  /**
   * Creates the master indexes once per process (memoized; retried after a failure). The unique
   * slug index is what makes concurrent creates of one slug race safely, so writers await this.
   */
  ensureMasterIndexes(): Promise<void> {
    if (!this.masterIndexesReady) {
      const master = this.master();
      this.masterIndexesReady = Promise.all(
        Object.entries(masterIndexes).map(([name, indexes]) =>
          master.db.collection(name).createIndexes(indexes),
        ),
      ).then(
        () => undefined,
        (error: unknown) => {
          this.masterIndexesReady = null;
          throw error;
        },
      );
    }
    return this.masterIndexesReady;
  }

  /**
   * Creates a tenant's collections, indexes and default settings. Idempotent, so a retry after a
   * failure mid-way completes the database instead of failing on what already exists.
   */
  async provisionTenantDatabase(tenant: TenantRef & Pick<TenantDoc, "name" | "theme">): Promise<string> {
    const t = this.forTenant(tenant);
    await Promise.all([
      ...Object.entries(tenantIndexes).map(([name, indexes]) => t.db.collection(name).createIndexes(indexes)),
      t.settings
        .insertOne({
          _id: "blog",
          title: tenant.name,
          description: "",
          theme: tenant.theme,
          updatedAt: new Date(),
        })
        .catch((error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
        }),
    ]);
    return t.db.databaseName;
  }

  /** Irreversible; only the platform admin flow calls it (after a soft delete). */
  async dropTenantDatabase(tenant: TenantRef): Promise<void> {
    await this.forTenant(tenant).db.dropDatabase();
  }

  /** Round trip to the default cluster, for health checks. */
  async ping(): Promise<void> {
    await this.master().db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    this.masterIndexesReady = null;
    await Promise.all(clients.map((c) => c.close()));
  }
}
