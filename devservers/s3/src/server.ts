import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { errorXml, S3Error, xmlEscape } from "./errors";
import { checkPolicy, parseMultipart } from "./post-form";
import { type Credentials, parseQuery, verifyPolicySignature, verifyRequest } from "./sigv4";
import type { ObjectMeta, ObjectStore } from "./store";

export interface S3ServerOptions {
  store: ObjectStore;
  credentials: Credentials[];
  region: string;
  /** Largest single PUT or POST object, in bytes (S3: 5 GiB). */
  maxObjectSize?: number;
  log?: (line: string) => void;
}

/** The one variable S3 substitutes in a POST key. */
const FILENAME_VARIABLE = ["$", "{filename}"].join("");
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Sub-resources this server does not implement: answered NotImplemented instead of guessed at. */
const UNSUPPORTED = [
  "acl",
  "cors",
  "delete",
  "lifecycle",
  "policy",
  "tagging",
  "uploads",
  "uploadId",
  "versioning",
  "versions",
  "website",
  "location",
];

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new S3Error("MaxMessageLengthExceeded", "Your request was too big."));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": meta.contentType,
    etag: meta.etag,
    "last-modified": new Date(meta.lastModified).toUTCString(),
    "accept-ranges": "bytes",
  };
  if (meta.cacheControl) h["cache-control"] = meta.cacheControl;
  if (meta.contentDisposition) h["content-disposition"] = meta.contentDisposition;
  for (const [k, v] of Object.entries(meta.metadata)) h[`x-amz-meta-${k}`] = v;
  return h;
}

function parseRange(value: string | undefined, size: number): { start: number; end: number } | null {
  if (!value) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // S3 ignores a malformed Range
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(size - Number(m[2]), 0);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new S3Error("InvalidRange", "The requested range is not satisfiable", {
      RangeRequested: value,
      ActualObjectSize: size,
    });
  }
  return { start, end };
}

/**
 * A small S3-compatible HTTP server for development and tests: path-style addressing, SigV4
 * (header and presigned query), browser POST uploads with signed policies, and
 * Put/Get/Head/Delete object, ListObjectsV2, Create/Head/Delete bucket, ListBuckets.
 * CORS is open (any origin), as a local bucket's CORS rule for the app's origin would be.
 */
export class S3Server {
  private readonly http: Server;
  private readonly maxObjectSize: number;

  constructor(private readonly opts: S3ServerOptions) {
    this.maxObjectSize = opts.maxObjectSize ?? 5 * 1024 ** 3;
    this.http = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => resolve((this.http.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = header(req, "origin");
    if (!origin) return;
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "Origin");
    res.setHeader("access-control-expose-headers", "ETag, Location, x-amz-request-id");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(8).toString("hex").toUpperCase();
    res.setHeader("x-amz-request-id", requestId);
    res.setHeader("server", "ConduitS3");
    this.cors(req, res);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? "" : url.slice(q + 1);
    let resource = rawPath;
    try {
      const decodedPath = decodeURIComponent(rawPath);
      resource = decodedPath;
      const slash = decodedPath.indexOf("/", 1);
      const bucket = slash < 0 ? decodedPath.slice(1) : decodedPath.slice(1, slash);
      const key = slash < 0 ? "" : decodedPath.slice(slash + 1);
      const method = req.method ?? "GET";

      if (method === "OPTIONS") {
        res.writeHead(200, {
          "access-control-allow-methods": "GET, PUT, POST, DELETE, HEAD",
          "access-control-allow-headers": header(req, "access-control-request-headers") ?? "*",
          "access-control-max-age": "3000",
        });
        return void res.end();
      }

      const query = new Map(parseQuery(rawQuery));
      const unsupported = UNSUPPORTED.find((name) => query.has(name));
      if (unsupported)
        throw new S3Error(
          "NotImplemented",
          `The ?${unsupported} sub-resource is not implemented by this server`,
        );

      if (
        method === "POST" &&
        bucket &&
        !key &&
        /^multipart\/form-data/i.test(header(req, "content-type") ?? "")
      ) {
        return await this.postObject(req, res, bucket, requestId);
      }
      const verified = verifyRequest(
        { method, rawPath, rawQuery, headers: req.headers },
        { credentials: this.opts.credentials, region: this.opts.region },
      );
      const store = this.opts.store;

      if (!bucket) {
        if (method !== "GET")
          throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.");
        const buckets = store
          .listBuckets()
          .map(
            (b) =>
              `<Bucket><Name>${xmlEscape(b)}</Name><CreationDate>${new Date(0).toISOString()}</CreationDate></Bucket>`,
          )
          .join("");
        return this.xml(
          res,
          200,
          `<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>conduit</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`,
        );
      }

      if (!key) {
        switch (method) {
          case "PUT":
            await readBody(req, 1 << 16); // an optional CreateBucketConfiguration
            await store.createBucket(bucket);
            res.writeHead(200, { location: `/${bucket}` });
            return void res.end();
          case "HEAD":
            if (!store.hasBucket(bucket)) {
              res.writeHead(404);
              return void res.end();
            }
            res.writeHead(200, { "x-amz-bucket-region": this.opts.region });
            return void res.end();
          case "DELETE":
            await store.deleteBucket(bucket);
            res.writeHead(204);
            return void res.end();
          case "GET":
            return this.list(res, bucket, query);
          default:
            throw new S3Error(
              "MethodNotAllowed",
              "The specified method is not allowed against this resource.",
            );
        }
      }

      switch (method) {
        case "PUT": {
          if (header(req, "x-amz-copy-source"))
            throw new S3Error("NotImplemented", "CopyObject is not implemented by this server");
          const length = header(req, "content-length");
          if (length === undefined && !header(req, "transfer-encoding")) {
            throw new S3Error("MissingContentLength", "You must provide the Content-Length HTTP header.");
          }
          const md5 = header(req, "content-md5");
          if (md5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(md5)) {
            throw new S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.");
          }
          const metadata: Record<string, string> = {};
          for (const [name, value] of Object.entries(req.headers)) {
            if (name.startsWith("x-amz-meta-") && typeof value === "string") metadata[name.slice(11)] = value;
          }
          const meta = await store.put(bucket, key, req, {
            contentType: header(req, "content-type"),
            cacheControl: header(req, "cache-control"),
            contentDisposition: header(req, "content-disposition"),
            metadata,
            maxSize: this.maxObjectSize,
            ...(length !== undefined ? { declaredLength: Number(length) } : {}),
            sha256: verified.payloadSha256,
            ...(md5 !== undefined ? { md5Base64: md5 } : {}),
          });
          res.writeHead(200, { etag: meta.etag });
          return void res.end();
        }
        case "GET":
        case "HEAD": {
          const meta = store.head(bucket, key);
          const headers = objectHeaders(meta);
          const ifNoneMatch = header(req, "if-none-match");
          if (ifNoneMatch?.split(",").some((t) => t.trim() === meta.etag || t.trim() === "*")) {
            res.writeHead(304, { etag: meta.etag, "last-modified": headers["last-modified"]! });
            return void res.end();
          }
          const ifMatch = header(req, "if-match");
          if (ifMatch && !ifMatch.split(",").some((t) => t.trim() === meta.etag || t.trim() === "*")) {
            throw new S3Error(
              "PreconditionFailed",
              "At least one of the pre-conditions you specified did not hold",
              { Condition: "If-Match" },
            );
          }
          const range = parseRange(header(req, "range"), meta.size);
          if (range) {
            res.writeHead(206, {
              ...headers,
              "content-length": String(range.end - range.start + 1),
              "content-range": `bytes ${range.start}-${range.end}/${meta.size}`,
            });
          } else {
            res.writeHead(200, { ...headers, "content-length": String(meta.size) });
          }
          if (method === "HEAD") return void res.end();
          const stream = store.read(bucket, key, range ?? undefined);
          stream.on("error", () => res.destroy());
          return void stream.pipe(res);
        }
        case "DELETE":
          await store.delete(bucket, key);
          res.writeHead(204);
          return void res.end();
        default:
          throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.");
      }
    } catch (error) {
      this.fail(req, res, error, resource, requestId);
    }
  }

  private list(res: ServerResponse, bucket: string, query: Map<string, string>): void {
    if (query.get("list-type") !== "2") {
      throw new S3Error("NotImplemented", "Only ListObjectsV2 (list-type=2) is implemented by this server");
    }
    const prefix = query.get("prefix") ?? "";
    const delimiter = query.get("delimiter") ?? "";
    const maxKeysRaw = query.get("max-keys");
    const maxKeys = maxKeysRaw === undefined ? 1000 : Number(maxKeysRaw);
    if (!Number.isInteger(maxKeys) || maxKeys < 0)
      throw new S3Error("InvalidArgument", "Provided max-keys not an integer or within integer range");
    const token = query.get("continuation-token");
    let after = query.get("start-after") ?? "";
    if (token !== undefined) {
      try {
        after = Buffer.from(token, "base64url").toString("utf8");
      } catch {
        throw new S3Error("InvalidArgument", "The continuation token provided is incorrect");
      }
    }
    const contents: ObjectMeta[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    let lastKey = "";
    for (const meta of this.opts.store.list(bucket)) {
      if (
        !meta.key.startsWith(prefix) ||
        (after && Buffer.compare(Buffer.from(meta.key), Buffer.from(after)) <= 0)
      )
        continue;
      let entry: string | ObjectMeta = meta;
      if (delimiter) {
        const cut = meta.key.indexOf(delimiter, prefix.length);
        if (cut >= 0) entry = meta.key.slice(0, cut + delimiter.length);
      }
      if (typeof entry === "string" && prefixes.at(-1) === entry) {
        lastKey = meta.key;
        continue;
      }
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (typeof entry === "string") prefixes.push(entry);
      else contents.push(entry);
      lastKey = meta.key;
    }
    const items = contents
      .map(
        (m) =>
          `<Contents><Key>${xmlEscape(m.key)}</Key><LastModified>${m.lastModified}</LastModified><ETag>${xmlEscape(m.etag)}</ETag><Size>${m.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join("");
    const common = prefixes
      .map((p) => `<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`)
      .join("");
    const next = truncated
      ? `<NextContinuationToken>${Buffer.from(lastKey).toString("base64url")}</NextContinuationToken>`
      : "";
    this.xml(
      res,
      200,
      `<ListBucketResult xmlns="${S3_NS}"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
        `${delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : ""}<MaxKeys>${maxKeys}</MaxKeys>` +
        `<KeyCount>${contents.length + prefixes.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>` +
        `${token !== undefined ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : ""}${next}${items}${common}</ListBucketResult>`,
    );
  }

  /** Browser upload: multipart form with a signed policy that bounds key, type and size. */
  private async postObject(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    requestId: string,
  ): Promise<void> {
    if (!this.opts.store.hasBucket(bucket)) {
      throw new S3Error("NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });
    }
    const body = await readBody(req, this.maxObjectSize + 1024 * 1024);
    const form = parseMultipart(body, header(req, "content-type") ?? "");
    if (!form.file)
      throw new S3Error("InvalidArgument", "POST requires exactly one file upload per request.", {
        ArgumentName: "file",
      });
    if (!form.fields.has("policy") || !form.fields.has("x-amz-signature")) {
      throw new S3Error("AccessDenied", "Access Denied");
    }
    verifyPolicySignature(form.fields, { credentials: this.opts.credentials, region: this.opts.region });
    const rawKey = form.fields.get("key");
    if (!rawKey)
      throw new S3Error("InvalidArgument", "Bucket POST must contain a field named 'key'.", {
        ArgumentName: "key",
      });
    checkPolicy(form, bucket, form.file.data.length);
    const key = rawKey.replaceAll(FILENAME_VARIABLE, form.file.filename);
    const metadata: Record<string, string> = {};
    for (const [name, value] of form.fields)
      if (name.startsWith("x-amz-meta-")) metadata[name.slice(11)] = value;
    const meta = await this.opts.store.put(bucket, key, Readable.from([form.file.data]), {
      contentType: form.fields.get("content-type") ?? form.file.contentType,
      cacheControl: form.fields.get("cache-control"),
      contentDisposition: form.fields.get("content-disposition"),
      metadata,
      maxSize: this.maxObjectSize,
    });
    const location = `/${bucket}/${encodeURIComponent(key).replace(/%2F/g, "/")}`;
    const status = form.fields.get("success_action_status");
    if (status === "201") {
      return this.xml(
        res,
        201,
        `<PostResponse><Location>${xmlEscape(location)}</Location><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(meta.etag)}</ETag></PostResponse>`,
        { etag: meta.etag, location },
      );
    }
    res.writeHead(status === "200" ? 200 : 204, { etag: meta.etag, location, "x-amz-request-id": requestId });
    res.end();
  }

  private xml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    const payload = XML_HEAD + body;
    res.writeHead(status, {
      "content-type": "application/xml",
      "content-length": String(Buffer.byteLength(payload)),
      ...headers,
    });
    res.end(payload);
  }

  private fail(
    req: IncomingMessage,
    res: ServerResponse,
    error: unknown,
    resource: string,
    requestId: string,
  ): void {
    if (!(error instanceof S3Error)) {
      this.opts.log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
    }
    const s3 =
      error instanceof S3Error
        ? error
        : new S3Error("InvalidRequest", "We encountered an internal error. Please try again.");
    const status = error instanceof S3Error ? s3.status : 500;
    const code = error instanceof S3Error ? s3.code : "InternalError";
    if (res.headersSent) return void res.destroy();
    // Drain what the client is still sending, so it reads our answer instead of a reset.
    req.resume();
    if (req.method === "HEAD") {
      res.writeHead(status, { "x-amz-error-code": code });
      return void res.end();
    }
    const body =
      error instanceof S3Error
        ? errorXml(s3, resource, requestId)
        : `${XML_HEAD}<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>${requestId}</RequestId></Error>`;
    res.writeHead(status, {
      "content-type": "application/xml",
      "content-length": String(Buffer.byteLength(body)),
    });
    res.end(body);
  }
}
