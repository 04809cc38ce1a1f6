import { initTRPC, TRPCError } from "@trpc/server";
import type { ObjectId } from "mongodb";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Session } from "./auth/session";
import type { DatabaseService, TenantDoc } from "./db";
import type { Role } from "./db/models";
import { isAppError, toTRPCError } from "./errors";
import type { Logger } from "./log";
import type { Services } from "./services/container";

/**
 * Everything a procedure may use. `tenant` comes from the host (the middleware's
 * `x-tenant-slug` header, which it strips from client requests), never from input.
 */
export interface Context {
  requestId: string;
  ip: string | null;
  log: Logger;
  db: DatabaseService;
  services: Services;
  session: Session | null;
  /** The active tenant of the request's host, or null on the root domain. */
  tenant: TenantDoc | null;
  /**
   * The caller's role on `tenant`, read by createContext at the same time as the tenant and the
   * user (null role: not a member). Absent when it wasn't read; used only when it names
   * `tenant._id` and the session's user.
   */
  membership?: { tenantId: ObjectId; userId: string; role: Role | null } | null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field errors for forms; never a stack trace.
        zodError: error.cause instanceof ZodError ? error.cause.flatten() : null,
        stack: undefined,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Services throw `AppError`; here it becomes the matching tRPC error (status and message kept),
 * so no router needs its own try/catch. Anything else stays an opaque 500.
 */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) throw toTRPCError(result.error.cause);
  return result;
});

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(mapAppErrors);

/** A signed-in user. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** A request on an active tenant's host. */
export const tenantProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.tenant?.status !== "active") {
    throw new TRPCError({ code: "NOT_FOUND", message: "This blog does not exist." });
  }
  return next({ ctx: { ...ctx, tenant: ctx.tenant } });
});

const rank: Record<Role, number> = { author: 1, editor: 2, owner: 3 };

/**
 * A member of the host's tenant with at least `role` (owner > editor > author).
 * Permissions are data (memberships in master), checked here and nowhere else.
 */
export function memberProcedure(role: Role) {
  return tenantProcedure.use(async ({ ctx, next }) => {
    if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    const read = ctx.membership;
    const membership =
      read?.tenantId.equals(ctx.tenant._id) && read.userId === ctx.session.user.id
        ? read.role
        : await ctx.services.memberships.roleOf(ctx.tenant._id, ctx.session.user.id);
    if (!membership || rank[membership] < rank[role]) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${role} role on this blog.` });
    }
    return next({ ctx: { ...ctx, session: ctx.session, role: membership } });
  });
}

/** The platform's "Master" privilege (seed 002 §4.1). */
export const platformAdminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.session.user.platformAdmin) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Platform administrators only." });
  }
  return next();
});
