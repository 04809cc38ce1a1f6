import { z } from "zod";
import type { UserDoc } from "../db";
import { isAppError } from "../errors";
import { clientIpOf } from "../http/request-meta";
import { allIssues, signInInput, signUpInput } from "../services/users/user-input";
import type { UsersService } from "../services/users/users-service";
import { signToken } from "./jwt";
import type { RateLimiter } from "./rate-limit";
import { hitSignIn, tooManyAttemptsMessage } from "./rate-limit";
import { getSessionFromRequest } from "./session-from-request";

/**
 * `POST /api/users`, `POST /api/users/login`, `GET /api/user` in the RealWorld API shape:
 * success `{user:{email,username,token,bio,image}}`, failure `{errors:{body:[message]}}`.
 */
export interface RealWorldUsersDeps {
  users: () => UsersService;
  rateLimiter: () => RateLimiter;
}

function errors(status: number, message: string | string[], headers?: HeadersInit): Response {
  return Response.json(
    { errors: { body: Array.isArray(message) ? message : [message] } },
    { status, headers },
  );
}

async function userBody(users: UsersService, user: UserDoc): Promise<{ user: Record<string, unknown> }> {
  const s = users.toSessionUser(user);
  const token = await signToken({
    sub: s.id,
    email: s.email,
    username: s.username,
    name: s.name,
    platformAdmin: s.platformAdmin,
  });
  return { user: { email: user.email, username: user.username, token, bio: user.bio, image: user.image } };
}

/** The `user` object of a JSON body; a non-JSON body is the caller's mistake (400). */
async function readUserEnvelope(
  req: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return { ok: false, response: errors(400, 'The request body must be JSON: {"user": {...}}') };
  }
  const envelope = z.object({ user: z.record(z.string(), z.unknown()) }).safeParse(body);
  if (!envelope.success)
    return { ok: false, response: errors(422, 'Expected a body of the form {"user": {...}}') };
  return { ok: true, value: envelope.data.user };
}

function tooMany(result: Awaited<ReturnType<RateLimiter["hit"]>>): Response {
  return errors(429, tooManyAttemptsMessage(result), { "Retry-After": String(result.retryAfterSeconds) });
}

export function createRealWorldUsersHandlers(deps: RealWorldUsersDeps) {
  return {
    async register(req: Request): Promise<Response> {
      const envelope = await readUserEnvelope(req);
      if (!envelope.ok) return envelope.response;
      const input = signUpInput.safeParse(envelope.value);
      if (!input.success) return errors(422, allIssues(input.error));
      const limit = await deps.rateLimiter().hit("signup", clientIpOf(req.headers), input.data.email);
      if (!limit.allowed) return tooMany(limit);
      try {
        const user = await deps.users().signUp(input.data);
        return Response.json(await userBody(deps.users(), user), { status: 201 });
      } catch (error) {
        if (isAppError(error) && (error.code === "CONFLICT" || error.code === "BAD_REQUEST")) {
          return errors(422, error.message);
        }
        throw error;
      }
    },

    async login(req: Request): Promise<Response> {
      const envelope = await readUserEnvelope(req);
      if (!envelope.ok) return envelope.response;
      const input = signInInput.safeParse(envelope.value);
      if (!input.success) return errors(422, allIssues(input.error));
      const ip = clientIpOf(req.headers);
      // Shared with the browser sign-in, so both paths draw on one budget per ip + e-mail.
      const limit = await hitSignIn(deps.rateLimiter(), ip, input.data.email);
      if (!limit.allowed) return tooMany(limit);
      const user = await deps.users().verifyPassword(input.data.email, input.data.password);
      if (!user) return errors(401, "Invalid email or password");
      await deps.rateLimiter().reset("signin", ip, input.data.email);
      return Response.json(await userBody(deps.users(), user));
    },

    async current(req: Request): Promise<Response> {
      const session = await getSessionFromRequest(req, deps.users());
      if (!session) return errors(401, "Missing or invalid token: send Authorization: Token <jwt>");
      const user = await deps.users().findById(session.user.id);
      if (!user) return errors(401, "Missing or invalid token: send Authorization: Token <jwt>");
      return Response.json(await userBody(deps.users(), user));
    },
  };
}
