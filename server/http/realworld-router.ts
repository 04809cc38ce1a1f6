import { signToken } from "../auth/jwt";
import { currentUserRoute, loginRoute, registerRoute } from "../auth/realworld-routes";
import type { UserDoc } from "../db";
import type { Env } from "../env";
import type { Logger } from "../log";
import type { Services } from "../services/container";
import type { ApiCaller } from "../services/realworld/caller";
import { realWorldFor } from "../services/realworld/realworld";
import {
  listQuerySchema,
  newArticleSchema,
  newCommentSchema,
  pageSchema,
  parseOr422,
  queryObject,
  updateArticleSchema,
  updateUserSchema,
} from "../services/realworld/schemas";
import type { Scope } from "../services/realworld/scope";
import { listTags } from "../services/realworld/tags";
import {
  callerOf,
  errorResponse,
  json,
  noContent,
  preflight,
  type RequestContext,
  readEnvelope,
  requestContext,
  requireCaller,
  withCors,
} from "./realworld-http";

/**
 * The RealWorld ("Conduit") API: one dispatcher for every path it owns, so Next's route files
 * (app/api/{articles,profiles,tags,user}) and any server in front of Next run the same code. The
 * scope comes from the Host: the root domain is the whole network, `<slug>.<root>` that blog.
 */

interface Call {
  req: Request;
  url: URL;
  scope: Scope;
  caller: ApiCaller | null;
  ctx: RequestContext;
  params: string[];
}

type Handler = (call: Call, deps: RouterDeps) => Promise<Response>;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<"GET" | "POST" | "PUT" | "DELETE", Handler>>;
  /** Sign-up, sign-in and the current user: handlers of their own (server/auth), CORS added here. */
  own?: Partial<Record<"GET" | "POST", (req: Request) => Promise<Response>>>;
}

export interface RouterDeps {
  services: () => Services;
  env: Pick<Env, "ROOT_DOMAIN">;
  log: Pick<Logger, "error">;
}

const rw = (deps: RouterDeps) => realWorldFor(deps.services(), deps.env);

async function userJson(user: UserDoc, services: Services): Promise<{ user: Record<string, unknown> }> {
  const s = services.users.toSessionUser(user);
  const token = await signToken({
    sub: s.id,
    email: s.email,
    username: s.username,
    name: s.name,
    platformAdmin: s.platformAdmin,
  });
  return {
    user: {
      email: user.email,
      username: user.username,
      token,
      bio: user.bio ?? "",
      image: user.image ?? null,
    },
  };
}

const SEGMENT = "([^/]+)";

export const ROUTES: Route[] = [
  {
    pattern: /^\/api\/articles\/?$/,
    methods: {
      GET: async (c, d) =>
        json(
          200,
          await rw(d).articles.list(
            c.scope,
            c.caller,
            parseOr422(listQuerySchema, queryObject(c.url.searchParams)),
          ),
          c.ctx.requestId,
        ),
      POST: async (c, d) => {
        const caller = requireCaller(c.caller);
        const input = parseOr422(newArticleSchema, await readEnvelope(c.req, "article"));
        return json(201, { article: await rw(d).articles.create(c.scope, caller, input) }, c.ctx.requestId);
      },
    },
  },
  {
    pattern: /^\/api\/articles\/feed\/?$/,
    methods: {
      GET: async (c, d) => {
        const caller = requireCaller(c.caller);
        const q = parseOr422(pageSchema, queryObject(c.url.searchParams));
        return json(200, await rw(d).articles.feed(c.scope, caller, q), c.ctx.requestId);
      },
    },
  },
  {
    pattern: new RegExp(`^/api/articles/${SEGMENT}/?$`),
    methods: {
      GET: async (c, d) =>
        json(
          200,
          { article: await rw(d).articles.get(c.scope, c.caller, c.params[0] ?? "") },
          c.ctx.requestId,
        ),
      PUT: async (c, d) => {
        const caller = requireCaller(c.caller);
        const input = parseOr422(updateArticleSchema, await readEnvelope(c.req, "article"));
        return json(
          200,
          { article: await rw(d).articles.update(c.scope, caller, c.params[0] ?? "", input) },
          c.ctx.requestId,
        );
      },
      DELETE: async (c, d) => {
        await rw(d).articles.delete(c.scope, requireCaller(c.caller), c.params[0] ?? "");
        return noContent(c.ctx.requestId);
      },
    },
  },
  {
    pattern: new RegExp(`^/api/articles/${SEGMENT}/favorite/?$`),
    methods: {
      POST: async (c, d) =>
        json(
          200,
          {
            article: await rw(d).articles.favorite(c.scope, requireCaller(c.caller), c.params[0] ?? "", true),
          },
          c.ctx.requestId,
        ),
      DELETE: async (c, d) =>
        json(
          200,
          {
            article: await rw(d).articles.favorite(
              c.scope,
              requireCaller(c.caller),
              c.params[0] ?? "",
              false,
            ),
          },
          c.ctx.requestId,
        ),
    },
  },
  {
    pattern: new RegExp(`^/api/articles/${SEGMENT}/comments/?$`),
    methods: {
      GET: async (c, d) => {
        const located = await rw(d).articles.locate(c.scope, c.params[0] ?? "");
        return json(200, { comments: await rw(d).comments.list(located, c.caller) }, c.ctx.requestId);
      },
      POST: async (c, d) => {
        const caller = requireCaller(c.caller);
        const { body } = parseOr422(newCommentSchema, await readEnvelope(c.req, "comment"));
        const located = await rw(d).articles.locate(c.scope, c.params[0] ?? "");
        return json(200, { comment: await rw(d).comments.create(located, caller, body) }, c.ctx.requestId);
      },
    },
  },
  {
    pattern: new RegExp(`^/api/articles/${SEGMENT}/comments/${SEGMENT}/?$`),
    methods: {
      DELETE: async (c, d) => {
        const caller = requireCaller(c.caller);
        const located = await rw(d).articles.locate(c.scope, c.params[0] ?? "");
        await rw(d).comments.delete(located, caller, c.params[1] ?? "");
        return noContent(c.ctx.requestId);
      },
    },
  },
  {
    pattern: new RegExp(`^/api/profiles/${SEGMENT}/?$`),
    methods: {
      GET: async (c, d) =>
        json(200, { profile: await rw(d).people.profile(c.params[0] ?? "", c.caller) }, c.ctx.requestId),
    },
  },
  {
    pattern: new RegExp(`^/api/profiles/${SEGMENT}/follow/?$`),
    methods: {
      POST: async (c, d) =>
        json(
          200,
          { profile: await rw(d).people.follow(c.params[0] ?? "", requireCaller(c.caller), true) },
          c.ctx.requestId,
        ),
      DELETE: async (c, d) =>
        json(
          200,
          { profile: await rw(d).people.follow(c.params[0] ?? "", requireCaller(c.caller), false) },
          c.ctx.requestId,
        ),
    },
  },
  {
    pattern: /^\/api\/tags\/?$/,
    methods: {
      GET: async (c, d) => json(200, { tags: await listTags(d.services(), c.scope) }, c.ctx.requestId),
    },
  },
  {
    pattern: /^\/api\/users\/?$/,
    methods: {},
    own: { POST: registerRoute },
  },
  {
    pattern: /^\/api\/users\/login\/?$/,
    methods: {},
    own: { POST: loginRoute },
  },
  {
    pattern: /^\/api\/user\/?$/,
    own: { GET: currentUserRoute },
    methods: {
      PUT: async (c, d) => {
        const caller = requireCaller(c.caller);
        const input = parseOr422(updateUserSchema, await readEnvelope(c.req, "user"));
        const user = await rw(d).people.updateUser(caller, input);
        return json(200, await userJson(user, d.services()), c.ctx.requestId);
      },
    },
  },
];

/** The route a path belongs to, with its captured segments; null for paths that are not ours. */
export function matchRoute(pathname: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    const m = route.pattern.exec(pathname);
    if (m) return { route, params: m.slice(1) };
  }
  return null;
}

/** Answers a RealWorld request, or null when the path is not one of this router's. */
export async function handleRealWorld(req: Request, deps: RouterDeps): Promise<Response | null> {
  const url = new URL(req.url);
  const match = matchRoute(url.pathname);
  if (!match) return null;
  if (req.method === "OPTIONS") return preflight(req);
  const ctx = requestContext(req);
  const method = (req.method === "HEAD" ? "GET" : req.method) as keyof Route["methods"];
  const own = match.route.own?.[method as "GET" | "POST"];
  if (own) return withCors(own(req));
  const handler = match.route.methods[method];
  if (!handler) {
    const allow = [
      ...Object.keys(match.route.methods),
      ...Object.keys(match.route.own ?? {}),
      "OPTIONS",
    ].join(", ");
    const res = json(405, { errors: { body: [`Use ${allow}`] } }, ctx.requestId);
    res.headers.set("allow", allow);
    return res;
  }
  try {
    const services = deps.services();
    const scope = await rw(deps).scopes.fromRequest(req);
    const caller = await callerOf(req, services.users, ctx);
    return await handler({ req, url, scope, caller, ctx, params: match.params }, deps);
  } catch (error) {
    return errorResponse(error, { ...ctx, path: url.pathname }, deps.log);
  }
}
