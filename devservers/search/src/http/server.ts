import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, inflateSync } from "node:zlib";
import { EsError, esError } from "../errors";
import { stringify } from "../json";
import { filterResponse } from "./filter-path";

/** What a handler sees of a request. */
export interface Request {
  method: string;
  path: string;
  params: URLSearchParams;
  pathParams: Record<string, string>;
  body: Buffer;
}

export interface Response {
  status: number;
  body?: unknown;
}

export type Handler = (req: Request) => Response | Promise<Response>;

interface Route {
  methods: string[];
  segments: string[];
  handler: Handler;
}

/** Elasticsearch's http.max_content_length. */
const MAX_BODY = 100 * 1024 * 1024;

/**
 * Routes by method and path like Elasticsearch's REST layer: `{name}` segments are parameters,
 * a known path with another method is a 405 listing the allowed ones, an unknown path a 400
 * "no handler found". Every response carries `x-elastic-product: Elasticsearch`, which the
 * official client checks before it trusts a server.
 */
export class Router {
  private routes: Route[] = [];

  add(methods: string | string[], pattern: string, handler: Handler): this {
    this.routes.push({
      methods: Array.isArray(methods) ? methods : [methods],
      segments: pattern.split("/").filter(Boolean),
      handler,
    });
    return this;
  }

  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string> } | { allowed: string[] } | null {
    const parts = path.split("/").filter(Boolean).map(safeDecode);
    const allowed = new Set<string>();
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith("{")) {
          // A parameter never swallows an endpoint name (`/_search` is not an index).
          if (part.startsWith("_") && seg !== "{id}") {
            ok = false;
            break;
          }
          params[seg.slice(1, -1)] = part;
        } else if (seg !== part) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const effective = method === "HEAD" && !route.methods.includes("HEAD") ? "GET" : method;
      if (route.methods.includes(effective)) return { handler: route.handler, params };
      for (const m of route.methods) allowed.add(m);
    }
    return allowed.size > 0 ? { allowed: [...allowed] } : null;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface HttpServerOptions {
  router: Router;
  log?: (msg: string) => void;
}

export function createHttpServer({ router, log }: HttpServerOptions): http.Server {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => {
      void handle(req, res, tooLarge ? null : Buffer.concat(chunks), router, log);
    });
  });
  return server;
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rawBody: Buffer | null,
  router: Router,
  log?: (msg: string) => void,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://localhost");
  const params = url.searchParams;
  const compat = /compatible-with=\d+/.test(String(req.headers.accept ?? ""));
  const pretty = params.has("pretty") && params.get("pretty") !== "false";
  const send = (status: number, body: unknown) => {
    const headers: http.OutgoingHttpHeaders = {
      "x-elastic-product": "Elasticsearch",
      "content-type": compat ? "application/vnd.elasticsearch+json;compatible-with=9" : "application/json",
    };
    if (method === "HEAD" || body === undefined) {
      headers["content-length"] = 0;
      res.writeHead(status, headers);
      res.end();
      return;
    }
    let out: unknown = body;
    const filterPath = params.get("filter_path");
    if (filterPath && status < 400) out = filterResponse(body, filterPath);
    const text = typeof out === "string" ? out : stringify(out, pretty);
    headers["content-length"] = Buffer.byteLength(text);
    res.writeHead(status, headers);
    res.end(text);
  };
  try {
    if (rawBody === null) {
      throw esError(
        413,
        "content_too_long_exception",
        `Request content exceeded the limit of [${MAX_BODY}] bytes`,
      );
    }
    let body = rawBody;
    const encoding = String(req.headers["content-encoding"] ?? "").toLowerCase();
    if (encoding.includes("gzip")) body = gunzipSync(body);
    else if (encoding.includes("deflate")) body = inflateSync(body);
    const route = router.match(method, url.pathname);
    if (!route) {
      send(400, {
        error: `no handler found for uri [${url.pathname}${url.search}] and method [${method}]`,
        status: 400,
      });
      return;
    }
    if ("allowed" in route) {
      send(405, {
        error: `Incorrect HTTP method for uri [${url.pathname}${url.search}] and method [${method}], allowed: [${route.allowed.join(", ")}]`,
        status: 405,
      });
      return;
    }
    const response = await route.handler({
      method,
      path: url.pathname,
      params,
      pathParams: route.params,
      body,
    });
    send(response.status, response.body);
  } catch (err) {
    if (err instanceof EsError) {
      send(err.status, err.body());
      return;
    }
    log?.(`internal error on ${method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`);
    const reason = err instanceof Error ? err.message : String(err);
    send(500, {
      error: { root_cause: [{ type: "exception", reason }], type: "exception", reason },
      status: 500,
    });
  }
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
