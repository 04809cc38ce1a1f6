/**
 * A root-domain link that opens `path` on a blog's subdomain with the current user signed in
 * there too (needed on `localhost`, where the session cookie cannot be shared; elsewhere it is a
 * plain redirect). Safe to import from client components.
 */
export function signedInBlogHref(slug: string, path = "/"): string {
  return `/api/auth/bridge?${new URLSearchParams({ to: slug, next: path })}`;
}
