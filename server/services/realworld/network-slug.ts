/**
 * On the root domain every article is named across the whole network: the blog's slug and the
 * post's slug joined by `~`, a URL-safe character neither may contain (blog slugs and post slugs
 * are both `a-z0-9-`). `ada~hello-world` is the post `hello-world` of `ada.<root>`. Both scopes
 * accept it; a blog's own API also accepts the bare post slug.
 */
export const NETWORK_SLUG_SEPARATOR = "~";

export function networkSlug(blogSlug: string, postSlug: string): string {
  return `${blogSlug}${NETWORK_SLUG_SEPARATOR}${postSlug}`;
}

/** `{blog, post}` for a network slug, or null for anything else (a bare post slug included). */
export function parseNetworkSlug(raw: string): { blog: string; post: string } | null {
  const i = raw.indexOf(NETWORK_SLUG_SEPARATOR);
  if (i < 1 || i === raw.length - 1 || raw.indexOf(NETWORK_SLUG_SEPARATOR, i + 1) !== -1) return null;
  return { blog: raw.slice(0, i).toLowerCase(), post: raw.slice(i + 1).toLowerCase() };
}
