import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import {
  readCookie,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  sessionCookieDomain,
  sessionCookieName,
  usesSecureCookies,
} from "@/server/auth/cookies";
import type { Session } from "@/server/auth/session";
import { sessionFromToken } from "@/server/auth/session-from-request";
import type { Env } from "@/server/env";
import { httpStatusOf, isAppError } from "@/server/errors";
import type { Logger } from "@/server/log";
import type { Services } from "@/server/services/container";
import { anonymousReader } from "@/server/services/signals/signals-service";
import type { ReaderApp } from "./reader/reader-app";
import type { Site, SiteData } from "./reader/site-data";

const id = z.string().regex(/^[0-9a-f]{24}$/i, "Unknown id.");
const schemas = {
  visit: z.object({ postId: id.optional() }),
  like: z.object({ postId: id }),
  comment: z.object({ postId: id, parentId: id.nullish(), body: z.string().max(20_000) }),
  edit: z.object({ postId: id, id, body: z.string().max(20_000) }),
  remove: z.object({ postId: id, id }),
  hide: z.object({ postId: id, id, hidden: z.boolean() }),
  signout: z.object({}),
};

type Who = "anyone" | "signed-in";
interface Endpoint<S extends z.ZodType> {
  /** Who may call it, declared here and enforced before the handler runs. */
  who: Who;
  input: S;
  run(ctx: Ctx, input: z.output<S>): Promise<{ body: unknown; headers?: Record<string, string | string[]> }>;
}
interface Ctx {
  site: Site;
  session: Session | null;
  ip: string | null;
  userAgent: string | null;
}

const endpoint = <S extends z.ZodType>(e: Endpoint<S>) => e;

export interface ReaderApiDeps {
  services: Services;
  data: SiteData;
  app: ReaderApp;
  env: Pick<Env, "PUBLIC_PROTOCOL" | "ROOT_DOMAIN">;
  log: Pick<Logger, "error">;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  // JSON only: a cross-site HTML form cannot send it without a CORS preflight we never grant.
  if (!type.startsWith("application/json")) throw new HttpError(415, "BAD_REQUEST", "Send JSON.");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, "BAD_REQUEST", "That request is too large.");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "That request is not valid JSON.");
  }
}

/**
 * The reader sites' JSON calls, answered by the front server on the blog's own host (the tenant
 * comes from the Host, never the body): who is reading plus the post's counts (and the view,
 * recorded here, off the page render), like toggles, comments, signing out of the subdomain.
 */
export function createReaderApi(deps: ReaderApiDeps) {
  const { services } = deps;
  const commentsAnswer = async (ctx: Ctx, postId: string) => {
    const list = await deps.app.commentListHtml(ctx.site, postId);
    return { body: { html: list.html.value, count: list.count } };
  };

  const endpoints: Record<string, Endpoint<z.ZodType>> = {
    visit: endpoint({
      who: "anyone",
      input: schemas.visit,
      async run(ctx, input) {
        const user = ctx.session?.user ?? null;
        let viewer = null;
        if (user) {
          const people = await deps.data.authorsById([user.id]);
          const me = people.get(user.id);
          viewer = {
            id: user.id,
            name: user.name || user.username,
            username: user.username,
            image: me?.image ?? null,
          };
        }
        if (!input.postId) return { body: { viewer, post: null } };
        const tenant = ctx.site.tenant;
        const reader = user ? `user:${user.id}` : anonymousReader(ctx.ip, ctx.userAgent);
        await services.signals.recordView(tenant, { postId: input.postId, reader, userAgent: ctx.userAgent });
        const [counts, liked, canModerate] = await Promise.all([
          services.signals.counts(tenant, input.postId),
          user ? services.signals.hasLiked(tenant, user.id, input.postId) : false,
          user ? services.comments.isModerator(tenant, user.id) : false,
        ]);
        return { body: { viewer, post: { ...counts, liked, canModerate } } };
      },
    }),
    like: endpoint({
      who: "signed-in",
      input: schemas.like,
      async run(ctx, input) {
        const userId = ctx.session?.user.id ?? "";
        return { body: await services.signals.toggleLike(ctx.site.tenant, userId, input.postId) };
      },
    }),
    comments: endpoint({
      who: "signed-in",
      input: schemas.comment,
      async run(ctx, input) {
        await services.comments.create(ctx.site.tenant, { userId: ctx.session?.user.id ?? "" }, input);
        return commentsAnswer(ctx, input.postId);
      },
    }),
    "comments/edit": endpoint({
      who: "signed-in",
      input: schemas.edit,
      async run(ctx, input) {
        await services.comments.edit(ctx.site.tenant, { userId: ctx.session?.user.id ?? "" }, input);
        return commentsAnswer(ctx, input.postId);
      },
    }),
    "comments/delete": endpoint({
      who: "signed-in",
      input: schemas.remove,
      async run(ctx, input) {
        await services.comments.delete(ctx.site.tenant, { userId: ctx.session?.user.id ?? "" }, input);
        return commentsAnswer(ctx, input.postId);
      },
    }),
    "comments/hide": endpoint({
      who: "signed-in",
      input: schemas.hide,
      async run(ctx, input) {
        await services.comments.setHidden(ctx.site.tenant, { userId: ctx.session?.user.id ?? "" }, input);
        return commentsAnswer(ctx, input.postId);
      },
    }),
    signout: endpoint({
      who: "anyone",
      input: schemas.signout,
      async run() {
        const name = sessionCookieName(deps.env);
        const base = `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${usesSecureCookies(deps.env) ? "; Secure" : ""}`;
        const domain = sessionCookieDomain(deps.env);
        return {
          body: { ok: true },
          headers: { "set-cookie": domain ? [base, `${base}; Domain=${domain}`] : [base] },
        };
      },
    }),
  };

  async function sessionOf(req: IncomingMessage): Promise<Session | null> {
    const auth = req.headers.authorization;
    const token = auth
      ? (/^\s*(?:Token|Bearer)\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(auth)?.[1] ?? null)
      : (readCookie(req.headers.cookie ?? null, SECURE_SESSION_COOKIE) ??
        readCookie(req.headers.cookie ?? null, SESSION_COOKIE) ??
        null);
    return sessionFromToken(token, services.users);
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string | string[]> = {},
  ) {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "content-length": Buffer.byteLength(json),
      ...headers,
    });
    res.end(json);
  }

  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    site: Site,
    name: string,
  ): Promise<void> {
    try {
      const e = endpoints[name];
      if (!e) throw new HttpError(404, "NOT_FOUND", "No such call.");
      if (req.method !== "POST") throw new HttpError(405, "BAD_REQUEST", "Use POST.");
      const parsed = e.input.safeParse(await readJson(req));
      if (!parsed.success)
        throw new HttpError(400, "BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid input.");
      const session = await sessionOf(req);
      if (e.who === "signed-in" && !session) throw new HttpError(401, "UNAUTHORIZED", "Sign in to continue.");
      const forwarded = (req.headers["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim();
      const ctx: Ctx = {
        site,
        session,
        ip: forwarded || req.socket.remoteAddress || null,
        userAgent: req.headers["user-agent"] ?? null,
      };
      const out = await e.run(ctx, parsed.data);
      send(res, 200, out.body, out.headers);
    } catch (error) {
      if (error instanceof HttpError)
        return send(res, error.status, { error: { code: error.code, message: error.message } });
      if (isAppError(error)) {
        return send(res, httpStatusOf(error.code), { error: { code: error.code, message: error.message } });
      }
      deps.log.error({ err: error instanceof Error ? error.stack : String(error) }, "reader api failed");
      send(res, 500, { error: { code: "INTERNAL", message: "Something went wrong. Please try again." } });
    }
  };
}
