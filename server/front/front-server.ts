import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { Redis } from "ioredis";
import type { Env } from "@/server/env";
import { parseHost } from "@/server/http/host";
import type { Logger } from "@/server/log";
import type { Services } from "@/server/services/container";
import { type CachedPage, PageCache } from "@/server/services/reader-cache/page-cache";
import { onPurge, subscribeToPurges } from "@/server/services/reader-cache/purge-bus";
import type { BuiltAssets } from "./assets";
import { ReaderApp } from "./reader/reader-app";
import { SiteData } from "./reader/site-data";
import { createReaderApi } from "./reader-api";

/** What handles everything that is not a reader page: Next's request handler. */
export type Fallback = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface FrontServerOptions {
  env: Pick<Env, "ROOT_DOMAIN" | "PUBLIC_PROTOCOL" | "REDIS_PREFIX">;
  services: Services;
  log: Pick<Logger, "info" | "warn" | "error">;
  assets: BuiltAssets;
  fallback: Fallback;
  /** Cache published reader pages in memory (default on; the benchmark turns it off). */
  pageCache?: boolean;
  cacheMaxBytes?: number;
  /** A dedicated connection for the purge subscription (other instances' purges). */
  subscriber?: Redis;
  /** Extra routes mounted before Next (e.g. the feed API); return true when handled. */
  routes?: ((req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>)[];
}

export interface FrontServer {
  server: Server;
  cache: PageCache;
  data: SiteData;
  /** Stops listening for purges (the http server is closed by its owner). */
  close(): Promise<void>;
}

/** Paths on a blog's host that Next answers (its assets, the API, generated OG images). */
function isNextPath(pathname: string): boolean {
  return (
    pathname.startsWith("/_next/") ||
    pathname.startsWith("/api/") ||
    pathname.startsWith("/og/") ||
    pathname === "/favicon.ico" ||
    pathname.startsWith("/__nextjs")
  );
}

function writePage(req: IncomingMessage, res: ServerResponse, page: CachedPage, hit: boolean): void {
  const headers: Record<string, string | number> = {
    ...page.headers,
    "x-reader-cache": hit ? "hit" : "miss",
  };
  const etag = page.headers.etag;
  if (etag && req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  let body = page.body;
  if (hit && page.body.length > 1024 && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
    // Compressed once per cached entry, then served as stored.
    page.gzip ??= gzipSync(page.body, { level: 6 });
    body = page.gzip;
    headers["content-encoding"] = "gzip";
  }
  headers["content-length"] = body.length;
  res.writeHead(page.status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * The node:http server in front of Next. On a blog's host it answers reader pages itself —
 * from its in-process cache (keyed by blog and path, purged through the purge bus) or rendered
 * from strings by `ReaderApp` — plus the reader JSON calls and assets; everything else, and
 * every root-domain request, goes to Next's request handler untouched.
 */
export async function createFrontServer(options: FrontServerOptions): Promise<FrontServer> {
  const { env, services, log, assets } = options;
  const cacheOn = options.pageCache !== false;
  const cache = new PageCache({ maxBytes: options.cacheMaxBytes });
  const data = new SiteData({ db: services.db, rootDomain: env.ROOT_DOMAIN, protocol: env.PUBLIC_PROTOCOL });
  const app = new ReaderApp({ data, assets: assets.urls, log, search: services.pipeline.search });
  const api = createReaderApi({ services, data, app, env, log });

  const stopListening = onPurge((event) => {
    if (event.tenantSlug) {
      cache.purgeHost(event.tenantSlug);
      data.forget(event.tenantSlug);
    }
    if (event.userId) data.forgetAuthor(event.userId);
  });
  let unsubscribe: (() => Promise<void>) | null = null;
  if (options.subscriber) {
    unsubscribe = await subscribeToPurges(options.subscriber, env.REDIS_PREFIX).catch((error: unknown) => {
      log.warn(
        { err: String(error) },
        "reader purges from other instances unavailable (Redis); local purges still work",
      );
      return null;
    });
  }

  async function readerPage(
    req: IncomingMessage,
    res: ServerResponse,
    slug: string,
    url: string,
  ): Promise<boolean> {
    if (cacheOn) {
      const cached = cache.get(slug, url);
      if (cached) {
        writePage(req, res, cached, true);
        return true;
      }
    }
    const generation = cache.generation(slug);
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const answer = await app.handle(slug, pathname, new URLSearchParams(q < 0 ? "" : url.slice(q + 1)));
    if (!answer) return false; // no such blog: Next renders the platform's 404
    const body = Buffer.from(answer.body);
    const page: CachedPage = { status: answer.status, headers: answer.headers, body };
    if (cacheOn && answer.cacheable) {
      page.headers = {
        ...answer.headers,
        etag: `"${createHash("sha1").update(body).digest("base64url")}"`,
        vary: "accept-encoding",
      };
      cache.set(slug, url, page, generation);
    }
    writePage(req, res, page, false);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const asset = assets.byPath.get(pathname);
    if (asset) {
      res.writeHead(200, {
        "content-type": asset.contentType,
        "content-length": asset.body.length,
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : asset.body);
      return;
    }
    for (const route of options.routes ?? []) if (await route(req, res)) return;
    const site = parseHost(req.headers.host, env.ROOT_DOMAIN);
    if (site.kind === "tenant" && !isNextPath(pathname)) {
      if (req.method === "GET" || req.method === "HEAD") {
        if (await readerPage(req, res, site.slug, url)) return;
      } else {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
        res.end("Method not allowed");
        return;
      }
    }
    if (site.kind === "tenant" && pathname.startsWith("/api/reader/")) {
      const blog = await data.site(site.slug);
      if (blog) {
        await api(req, res, blog, pathname.slice("/api/reader/".length));
        return;
      }
    }
    await options.fallback(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error(
        { err: error instanceof Error ? error.stack : String(error), url: req.url },
        "front server failed",
      );
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal error");
    });
  });
  // Many small keep-alive requests from the same clients (and the benchmark's connections).
  server.keepAliveTimeout = 65_000;

  return {
    server,
    cache,
    data,
    async close() {
      stopListening();
      await unsubscribe?.();
    },
  };
}
