import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { AppError } from "../../errors";
import type { EmbedAttrs } from "../render/schema";
import { guardedLookup, isPrivateAddress } from "./address-guard";
import { linkCardFromHtml } from "./link-card";

export interface EmbedsServiceOptions {
  /** Test-only: host names allowed to resolve to private addresses (a local fixture page). */
  allowPrivateHosts?: string[];
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

interface Fetched {
  url: URL;
  body: string;
}

/**
 * Link cards for embeds: fetches a pasted URL once, server-side, when the writer inserts it, and
 * returns its title, description, image and site name to store in the node. The fetch is guarded
 * against server-side request forgery: http(s) only, every address checked after DNS resolution
 * (private, loopback and link-local refused, redirects included), bounded in time, size and hops.
 */
export class EmbedsService {
  private readonly allowHosts: ReadonlySet<string>;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;

  constructor(opts: EmbedsServiceOptions = {}) {
    this.allowHosts = new Set((opts.allowPrivateHosts ?? []).map((h) => h.toLowerCase()));
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.maxBytes = opts.maxBytes ?? 512 * 1024;
    this.maxRedirects = opts.maxRedirects ?? 3;
  }

  async linkCard(rawUrl: string): Promise<EmbedAttrs> {
    const url = parseUrl(rawUrl);
    const page = await this.fetchPage(url, this.maxRedirects);
    return linkCardFromHtml(page.body, page.url);
  }

  private fetchPage(url: URL, redirectsLeft: number): Promise<Fetched> {
    // Node connects to an IP literal without calling `lookup`, so those are checked here.
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal) && isPrivateAddress(literal) && !this.allowHosts.has(literal)) {
      return Promise.reject(
        new AppError("BAD_REQUEST", "Links to private or local addresses can't be embedded."),
      );
    }
    return new Promise((resolve, reject) => {
      const client = url.protocol === "https:" ? https : http;
      const req = client.get(
        url,
        {
          lookup: guardedLookup(this.allowHosts) as never,
          timeout: this.timeoutMs,
          headers: {
            "user-agent": "ConduitLinkPreview/1.0 (+link cards for blog posts)",
            accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400 && res.headers.location) {
            res.resume();
            if (redirectsLeft <= 0)
              return reject(new AppError("UNPROCESSABLE", "That link redirects too many times."));
            let next: URL;
            try {
              next = parseUrl(new URL(res.headers.location, url).toString());
            } catch (error) {
              return reject(error);
            }
            return this.fetchPage(next, redirectsLeft - 1).then(resolve, reject);
          }
          if (status < 200 || status >= 300) {
            res.resume();
            return reject(new AppError("UNPROCESSABLE", `That page answered ${status}.`));
          }
          const type = String(res.headers["content-type"] ?? "");
          if (type && !/html|xml/i.test(type)) {
            res.destroy();
            // Not a page (an image, a PDF…): a card with the address is all there is to show.
            return resolve({ url, body: "" });
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            chunks.push(chunk);
            // Enough for the <head>; stop reading instead of failing on a huge page.
            if (size >= this.maxBytes) res.destroy();
          });
          const done = () =>
            resolve({ url, body: Buffer.concat(chunks).subarray(0, this.maxBytes).toString("utf8") });
          res.on("end", done);
          res.on("close", done);
          res.on("error", () => done());
        },
      );
      req.on("timeout", () =>
        req.destroy(new AppError("UNPROCESSABLE", "That page took too long to answer.")),
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (error instanceof AppError) return reject(error);
        if (error.code === "EPRIVATEADDRESS") {
          return reject(
            new AppError("BAD_REQUEST", "Links to private or local addresses can't be embedded."),
          );
        }
        reject(new AppError("UNPROCESSABLE", "Couldn't reach that page."));
      });
    });
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError("BAD_REQUEST", "That isn't a link.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError("BAD_REQUEST", "Only http and https links can be embedded.");
  }
  if (url.username || url.password)
    throw new AppError("BAD_REQUEST", "Links with credentials can't be embedded.");
  return url;
}
