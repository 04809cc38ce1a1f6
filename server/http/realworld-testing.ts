/**
 * Test helpers for the RealWorld API suites: requests to the route handler as a client on the
 * root domain or on a blog's subdomain would send them (the Host decides the scope).
 */

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
  headers: Headers;
}

export interface CallOptions {
  /** `null` for the root domain, or a blog's slug. */
  blog?: string | null;
  token?: string;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiCall = (method: string, path: string, opts?: CallOptions) => Promise<ApiAnswer>;

let ip = 0;

export function apiClient(handler: (req: Request) => Promise<Response>, rootDomain: string): ApiCall {
  return async (method, path, opts = {}) => {
    const host = opts.blog ? `${opts.blog}.${rootDomain}` : rootDomain;
    const headers: Record<string, string> = {
      host,
      "x-forwarded-for": `198.51.100.${(ip++ % 250) + 1}`,
      ...(opts.token ? { authorization: `Token ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
      ...opts.headers,
    };
    const res = await handler(
      new Request(`http://${host}${path}`, {
        method,
        headers,
        body:
          opts.body === undefined
            ? undefined
            : typeof opts.body === "string"
              ? opts.body
              : JSON.stringify(opts.body),
      }),
    );
    const text = await res.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, body, headers: res.headers };
  };
}

/** The exact keys RealWorld gives each object. */
export const ARTICLE_KEYS = [
  "author",
  "body",
  "createdAt",
  "description",
  "favorited",
  "favoritesCount",
  "slug",
  "tagList",
  "title",
  "updatedAt",
];
export const LIST_ARTICLE_KEYS = ARTICLE_KEYS.filter((k) => k !== "body");
export const PROFILE_KEYS = ["bio", "following", "image", "username"];
export const COMMENT_KEYS = ["author", "body", "createdAt", "id", "updatedAt"];
export const USER_KEYS = ["bio", "email", "image", "token", "username"];
/** The timestamp pattern of the public RealWorld checks (ISO 8601 with fractional seconds). */
export const ISO_8601 = /^\d{4,}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d+(?:[+-][0-2]\d:[0-5]\d|Z)$/;
