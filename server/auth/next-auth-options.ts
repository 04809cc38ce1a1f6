import type { NextAuthOptions, User } from "next-auth";
import { decode as defaultDecode, encode as defaultEncode, type JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import GithubProvider from "next-auth/providers/github";
import { env } from "../env";
import { clientIpOf } from "../http/request-meta";
import { log } from "../log";
import { getServices } from "../services/container";
import type { UsersService } from "../services/users/users-service";
import { sessionCookieDomain, sessionCookieName, usesSecureCookies } from "./cookies";
import { keyRing, signToken, TOKEN_MAX_AGE_SECONDS, type TokenClaims, verifyToken } from "./jwt";
import { getRateLimiter, hitSignIn, type RateLimiter, tooManyAttemptsMessage } from "./rate-limit";
import type { SessionUser } from "./session";

declare module "next-auth" {
  interface Session {
    user: SessionUser;
  }
}

function claimsOf(token: JWT | undefined): TokenClaims | null {
  const { sub, email, username, name, platformAdmin } = token ?? {};
  if (typeof sub !== "string" || typeof email !== "string" || typeof username !== "string") return null;
  return {
    sub,
    email,
    username,
    name: typeof name === "string" ? name : username,
    platformAdmin: platformAdmin === true,
  };
}

/**
 * The session cookie is our own HS256 token with a `kid` (the same one API clients get), so
 * `AUTH_SECRETS` rotation covers browser sessions too. next-auth's short-lived OAuth check
 * cookies (state/PKCE, always passed with a `salt`) keep its default encryption.
 */
export const sessionJwt = {
  async encode(params: Parameters<typeof defaultEncode>[0]): Promise<string> {
    if (params.salt) return defaultEncode(params);
    const claims = claimsOf(params.token);
    if (!claims) throw new Error("session token without a user");
    return signToken(claims, { expiresIn: params.maxAge ?? TOKEN_MAX_AGE_SECONDS });
  },
  async decode(params: Parameters<typeof defaultDecode>[0]): Promise<JWT | null> {
    if (params.salt) return defaultDecode(params);
    if (!params.token) return null;
    const claims = await verifyToken(params.token);
    return claims ? { ...claims } : null;
  },
};

/** next-auth hands `authorize` the request headers as a plain object. */
function toHeaders(raw: Record<string, unknown> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (typeof value === "string") headers.set(name, value);
  }
  return headers;
}

function toNextAuthUser(user: SessionUser): User & Omit<SessionUser, "id"> {
  return { ...user, image: null };
}

export interface AuthOptionsDeps {
  users?: () => UsersService;
  rateLimiter?: () => RateLimiter;
}

export function buildAuthOptions(deps: AuthOptionsDeps = {}): NextAuthOptions {
  const users = deps.users ?? (() => getServices().users);
  const rateLimiter = deps.rateLimiter ?? getRateLimiter;
  const secure = usesSecureCookies(env);

  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const email = credentials?.email?.trim().toLowerCase() ?? "";
        const password = credentials?.password ?? "";
        if (!email || !password || password.length > 256) return null;
        const ip = clientIpOf(toHeaders(req.headers));
        const limit = await hitSignIn(rateLimiter(), ip, email);
        // next-auth hands a thrown message to the client as `error` (shown by the sign-in form).
        if (!limit.allowed) throw new Error(tooManyAttemptsMessage(limit));
        const user = await users()
          .verifyPassword(email, password)
          .catch((error: unknown) => {
            log.error({ err: error }, "credentials sign-in failed");
            throw new Error("Sign-in is unavailable right now. Try again shortly.");
          });
        if (!user) return null;
        await rateLimiter().reset("signin", ip, email);
        return toNextAuthUser(users().toSessionUser(user));
      },
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) {
    providers.push(GithubProvider({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET }));
  }

  return {
    providers,
    // next-auth hashes its CSRF token with this; our own tokens are signed by the key ring.
    secret: new TextDecoder().decode(keyRing().signing.secret),
    session: { strategy: "jwt", maxAge: TOKEN_MAX_AGE_SECONDS },
    jwt: { maxAge: TOKEN_MAX_AGE_SECONDS, ...sessionJwt },
    useSecureCookies: secure,
    cookies: {
      sessionToken: {
        name: sessionCookieName(env),
        options: { httpOnly: true, sameSite: "lax", path: "/", secure, domain: sessionCookieDomain(env) },
      },
    },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== "github") return true;
        const gh = profile as {
          id?: number | string;
          login?: string;
          name?: string;
          email?: string;
          avatar_url?: string;
        };
        try {
          await users().upsertGithubUser({
            githubId: String(gh.id ?? account.providerAccountId),
            email: gh.email ?? null,
            login: gh.login ?? "github_user",
            name: gh.name ?? null,
            image: gh.avatar_url ?? null,
          });
          return true;
        } catch (error) {
          log.warn({ err: error }, "github sign-in refused");
          return `/signin?error=${encodeURIComponent(error instanceof Error ? error.message : "GitHub sign-in failed")}`;
        }
      },
      async jwt({ token, user, account }) {
        if (!user) return token; // an existing session: the verified token as it is
        let sessionUser: SessionUser | null = null;
        if (account?.provider === "github") {
          const doc = await users().findByGithubId(account.providerAccountId);
          sessionUser = doc ? users().toSessionUser(doc) : null;
        } else {
          const u = user as User & Partial<SessionUser>;
          if (u.username) {
            sessionUser = {
              id: u.id,
              email: u.email ?? "",
              username: u.username,
              name: u.name ?? u.username,
              platformAdmin: u.platformAdmin === true,
            };
          }
        }
        if (!sessionUser) throw new Error("signed-in user not found");
        const { id, email, username, name, platformAdmin } = sessionUser;
        return { sub: id, email, username, name, platformAdmin };
      },
      async session({ session, token }) {
        const claims = claimsOf(token);
        if (!claims) return session;
        const { sub, email, username, name, platformAdmin } = claims;
        return { ...session, user: { id: sub, email, username, name, platformAdmin } };
      },
    },
    events: {
      async signIn({ user, account }) {
        log.info({ userId: user.id, provider: account?.provider }, "signed in");
      },
    },
    logger: {
      error: (code, metadata) => log.error({ code, metadata }, "next-auth error"),
      warn: (code) => log.warn({ code }, "next-auth warning"),
      debug: () => {},
    },
  };
}
