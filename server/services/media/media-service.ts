import { type Filter, ObjectId } from "mongodb";
import type { DatabaseService, MediaDoc, Role, TenantDoc } from "../../db";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import {
  mediaBase,
  originalKey,
  pickVariant,
  publicUrl,
  srcsetOf,
  tenantPrefix,
  UPLOAD_MAX_BYTES,
} from "./keys";
import type { ObjectStorage, PresignedUpload } from "./object-storage";
import { processUpload } from "./process-upload";
import { mediaListSchema, type UploadRequest, uploadRequestSchema } from "./schemas";
import { usageByMedia } from "./usage";

export type TenantRefForMedia = Pick<TenantDoc, "_id"> &
  Partial<Pick<TenantDoc, "databaseName" | "clusterUri">>;

export interface MediaItemDto {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  alt: string;
  /** `src` for the editor and the reader: the widest variant up to 1280 px. */
  url: string | null;
  srcset: string;
  /** A small variant for grids. */
  thumbUrl: string | null;
  uploaderId: string;
  createdAt: Date;
  /** Posts (and the blog logo) that show this image. */
  usage: number;
}

export interface CreatedUpload {
  mediaId: string;
  upload: PresignedUpload;
  maxBytes: number;
}

/** A pending confirm older than this was interrupted (crash); another call may take it over. */
const STALE_PROCESSING_MS = 120_000;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function parseMediaId(id: string): ObjectId {
  if (!/^[0-9a-f]{24}$/.test(id)) throw new AppError("NOT_FOUND", "That image does not exist.");
  return new ObjectId(id);
}

/**
 * A blog's images: presigned browser uploads into `<tenantId>/<mediaId>/original`, a confirm step
 * that checks the bytes and writes the resized variants once, the library (search, usage, delete).
 * Every lookup goes through the tenant's own database, so an id from another blog is simply not
 * found, and every key is built from the tenant id the request's host resolved.
 */
export class MediaService {
  /** Called after a change the blog's readers see (the logo), e.g. to purge cached reader pages. */
  onReaderVisibleChange: ((tenant: Pick<TenantDoc, "_id" | "slug">, reason: string) => Promise<void>) | null =
    null;
  private readonly db: DatabaseService;
  private readonly storage: ObjectStorage | null;
  private readonly publicBase: string;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(deps: {
    db: DatabaseService;
    storage: ObjectStorage | null;
    publicBase: string;
    log: Logger;
    now?: () => Date;
  }) {
    this.db = deps.db;
    this.storage = deps.storage;
    this.publicBase = deps.publicBase;
    this.log = deps.log;
    this.now = deps.now ?? (() => new Date());
  }

  get configured(): boolean {
    return this.storage !== null;
  }

  private requireStorage(): ObjectStorage {
    if (!this.storage) {
      throw new AppError(
        "UNAVAILABLE",
        "Image uploads are not set up on this server (S3_ENDPOINT is not configured).",
      );
    }
    return this.storage;
  }

  urlOf(key: string): string {
    return publicUrl(this.publicBase, key);
  }

  toDto(doc: MediaDoc, usage = 0): MediaItemDto {
    const variants = doc.variants ?? {};
    const src = pickVariant(variants, 1280);
    const thumb = pickVariant(variants, 640);
    return {
      id: doc._id.toHexString(),
      filename: doc.filename,
      contentType: doc.contentType,
      size: doc.size,
      width: doc.width ?? null,
      height: doc.height ?? null,
      alt: doc.alt ?? "",
      url: src ? this.urlOf(src) : null,
      srcset: srcsetOf(this.publicBase, variants),
      thumbUrl: thumb ? this.urlOf(thumb) : null,
      uploaderId: doc.uploaderId.toHexString(),
      createdAt: doc.createdAt,
      usage,
    };
  }

  /** Step 1: a pending record and a presigned POST bounded to its key, type and 10 MB. */
  async createUpload(
    tenant: TenantRefForMedia,
    uploaderId: string,
    input: UploadRequest,
  ): Promise<CreatedUpload> {
    const parsed = uploadRequestSchema.safeParse(input);
    if (!parsed.success)
      throw new AppError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid upload");
    const storage = this.requireStorage();
    const { filename, contentType, size } = parsed.data;
    const _id = new ObjectId();
    const base = mediaBase(tenant._id, _id);
    const doc: MediaDoc = {
      _id,
      key: originalKey(base),
      filename,
      contentType,
      size,
      uploaderId: new ObjectId(uploaderId),
      status: "pending",
      alt: "",
      createdAt: this.now(),
    };
    // Recorded before the browser gets the form, so every object in the bucket has a record.
    await this.db.forTenant(tenant).media.insertOne(doc);
    const upload = await storage.presignUpload({ key: doc.key, contentType, maxBytes: UPLOAD_MAX_BYTES });
    return { mediaId: _id.toHexString(), upload, maxBytes: UPLOAD_MAX_BYTES };
  }

  /** Step 2, after the browser's upload: check the bytes and make the variants (once). */
  async confirm(tenant: TenantRefForMedia, mediaId: string): Promise<MediaItemDto> {
    const storage = this.requireStorage();
    const media = this.db.forTenant(tenant).media;
    const _id = parseMediaId(mediaId);
    const doc = await media.findOne({ _id });
    if (!doc) throw new AppError("NOT_FOUND", "That image does not exist.");
    if (!doc.key.startsWith(tenantPrefix(tenant._id))) {
      // Keys are made from the tenant id; anything else is a record that must not be trusted.
      throw new AppError("FORBIDDEN", "That image belongs to another blog.");
    }
    if (doc.status === "ready") return this.toDto(doc);

    const at = this.now();
    const claim = await media.updateOne(
      {
        _id,
        status: "pending",
        $or: [
          { processingAt: { $exists: false } },
          { processingAt: { $lt: new Date(at.getTime() - STALE_PROCESSING_MS) } },
        ],
      },
      { $set: { processingAt: at } },
    );
    if (claim.modifiedCount === 0) {
      const current = await media.findOne({ _id });
      if (current?.status === "ready") return this.toDto(current);
      throw new AppError("CONFLICT", "This image is still being processed.");
    }

    const base = doc.key.replace(/\/original$/, "");
    try {
      const result = await processUpload(storage, base, "content");
      const ready: Partial<MediaDoc> = {
        status: "ready",
        contentType: result.contentType,
        size: result.size,
        width: result.width,
        height: result.height,
        variants: result.variants,
        variantBytes: result.variantBytes,
        resizeMs: Math.round(result.resizeMs),
        readyAt: this.now(),
      };
      await media.updateOne({ _id }, { $set: ready, $unset: { processingAt: "" } });
      this.log.info(
        {
          mediaId,
          size: result.size,
          variants: Object.keys(result.variants).length,
          resizeMs: ready.resizeMs,
        },
        "media ready",
      );
      return this.toDto({ ...doc, ...ready } as MediaDoc);
    } catch (error) {
      if (error instanceof AppError && error.code === "BAD_REQUEST") {
        // The object was refused and deleted; the record goes with it.
        await media.deleteOne({ _id });
      } else {
        await media.updateOne({ _id }, { $unset: { processingAt: "" } });
      }
      throw error;
    }
  }

  async get(tenant: TenantRefForMedia, mediaId: string): Promise<MediaItemDto> {
    const doc = await this.db
      .forTenant(tenant)
      .media.findOne({ _id: parseMediaId(mediaId), status: "ready" });
    if (!doc) throw new AppError("NOT_FOUND", "That image does not exist.");
    const usage = await usageByMedia(this.db.forTenant(tenant), [doc._id]);
    return this.toDto(doc, usage.get(doc._id.toHexString()) ?? 0);
  }

  /** The library: ready images, newest first, optionally filtered by file name. */
  async list(
    tenant: TenantRefForMedia,
    input: { query?: string; limit?: number } = {},
  ): Promise<{ items: MediaItemDto[]; total: number }> {
    const { query, limit } = mediaListSchema.parse(input);
    const t = this.db.forTenant(tenant);
    const filter: Filter<MediaDoc> = { status: "ready" };
    if (query) filter.filename = { $regex: escapeRegex(query), $options: "i" };
    const [docs, total] = await Promise.all([
      t.media.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray(),
      t.media.countDocuments(filter),
    ]);
    const usage = await usageByMedia(
      t,
      docs.map((d) => d._id),
    );
    return { items: docs.map((d) => this.toDto(d, usage.get(d._id.toHexString()) ?? 0)), total };
  }

  async setAlt(tenant: TenantRefForMedia, mediaId: string, alt: string): Promise<MediaItemDto> {
    const t = this.db.forTenant(tenant);
    const doc = await t.media.findOneAndUpdate(
      { _id: parseMediaId(mediaId), status: "ready" },
      { $set: { alt: alt.trim().slice(0, 500) } },
      { returnDocument: "after" },
    );
    if (!doc) throw new AppError("NOT_FOUND", "That image does not exist.");
    return this.toDto(doc);
  }

  /** The blog's logo: a ready image of this blog (its ≤ 640 px variant), or null to remove it. */
  async setLogo(
    tenant: TenantRefForMedia & Pick<TenantDoc, "slug">,
    mediaId: string | null,
  ): Promise<{ logoUrl: string | null }> {
    const t = this.db.forTenant(tenant);
    let logoUrl: string | null = null;
    if (mediaId) {
      const doc = await t.media.findOne({ _id: parseMediaId(mediaId), status: "ready" });
      const key = doc ? pickVariant(doc.variants ?? {}, 640) : null;
      if (!key) throw new AppError("NOT_FOUND", "That image does not exist.");
      logoUrl = this.urlOf(key);
    }
    await t.settings.updateOne({ _id: "blog" }, { $set: { logoUrl, updatedAt: this.now() } });
    try {
      await this.onReaderVisibleChange?.(tenant, "logo");
    } catch (error) {
      this.log.warn({ err: String(error) }, "logo change not announced to the reader cache");
    }
    return { logoUrl };
  }

  async logo(tenant: TenantRefForMedia): Promise<{ logoUrl: string | null }> {
    const settings = await this.db
      .forTenant(tenant)
      .settings.findOne({ _id: "blog" }, { projection: { logoUrl: 1 } });
    return { logoUrl: settings?.logoUrl ?? null };
  }

  /**
   * Deletes an image nothing uses (posts, cover, logo). Authors may delete their own uploads,
   * editors and owners any. Objects go first: a crash in between leaves a record without
   * objects (retried delete finishes it), never objects without a record.
   */
  async delete(
    tenant: TenantRefForMedia,
    mediaId: string,
    by: { userId: string; role: Role },
  ): Promise<void> {
    const storage = this.requireStorage();
    const t = this.db.forTenant(tenant);
    const doc = await t.media.findOne({ _id: parseMediaId(mediaId) });
    if (!doc) throw new AppError("NOT_FOUND", "That image does not exist.");
    if (by.role === "author" && doc.uploaderId.toHexString() !== by.userId) {
      throw new AppError("FORBIDDEN", "Authors can delete only the images they uploaded.");
    }
    const usage = (await usageByMedia(t, [doc._id])).get(doc._id.toHexString()) ?? 0;
    if (usage > 0) {
      throw new AppError(
        "CONFLICT",
        `This image is in use (${usage} ${usage === 1 ? "place" : "places"}). Remove it there first.`,
      );
    }
    await storage.deletePrefix(`${doc.key.replace(/\/original$/, "")}/`);
    await t.media.deleteOne({ _id: doc._id });
  }
}
