import type { IncomingMessage, ServerResponse } from "node:http";
import { parseHost } from "./host";
import { handleRealWorld, matchRoute, type RouterDeps } from "./realworld-router";

/**
 * The front server's route for the RealWorld API's reads (`GET|HEAD|OPTIONS` of its article,
 * comment, profile and tag paths): the same dispatcher Next's route files call
 * (`server/http/realworld-router.ts`), without Next's request pipeline in front of every list.
 * Writes, sign-up/sign-in and `/api/user` stay with Next. Only the root domain and blog hosts are
 * answered here — as middleware.ts lets them through to the API; other hosts go on to Next (its
 * platform 404).
 */
export function realWorldFrontRoute(
  deps: RouterDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") return false;
    const url = req.url ?? "/";
    if (!url.startsWith("/api/")) return false;
    const q = url.indexOf("?");
    const match = matchRoute(q < 0 ? url : url.slice(0, q));
    // The routes with handlers of their own (sign-up, sign-in, the current user) stay with Next.
    if (!match || match.route.own) return false;
    const site = parseHost(req.headers.host, deps.env.ROOT_DOMAIN);
    if (site.kind !== "root" && site.kind !== "tenant") return false;

    let request: Request;
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else headers.set(name, value);
      }
      // As Next's server fills them in: the client address for logs and audit.
      if (!headers.has("x-forwarded-for") && req.socket.remoteAddress) {
        headers.set("x-forwarded-for", req.socket.remoteAddress);
      }
      request = new Request(`http://${req.headers.host ?? "localhost"}${url}`, { method, headers });
    } catch {
      return false; // a header or URL the Fetch API refuses: Next's own parsing decides
    }
    const response = await handleRealWorld(request, deps);
    if (!response) return false;
    const body = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string | number> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    out["content-length"] = body.length;
    res.writeHead(response.status, out);
    res.end(method === "HEAD" ? undefined : body);
    return true;
  };
}
