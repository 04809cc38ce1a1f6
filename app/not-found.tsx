import type { Metadata } from "next";
import { headers } from "next/headers";
import { ErrorShell } from "@/components/errors/error-shell";
import { rootUrl } from "@/components/reader/root-url";
import { buttonClasses } from "@/components/ui/button";
import { env } from "@/server/env";
import { parseHost } from "@/server/http/host";

export const metadata: Metadata = { title: "Not found" };

/**
 * On a blog subdomain that isn't served (unknown, reserved, not live) this says so and offers to
 * claim the name; on the root domain it is an ordinary missing page.
 */
export default async function NotFound() {
  const host = (await headers()).get("host");
  const parsed = parseHost(host, env.ROOT_DOMAIN);
  const home = rootUrl();

  if (parsed.kind === "root") {
    return (
      <ErrorShell
        code="404"
        title="Page not found"
        home={home}
        actions={
          <>
            <a href={home} className={buttonClasses("primary", "lg")}>
              Go to the homepage
            </a>
            <a href={rootUrl("/new")} className={buttonClasses("secondary", "lg")}>
              Start a blog
            </a>
          </>
        }
      >
        We looked everywhere, but this page doesn't exist. It may have moved, or the link may be mistyped.
      </ErrorShell>
    );
  }

  const slug = parsed.kind === "tenant" ? parsed.slug : null;
  return (
    <ErrorShell
      code="404 · no blog"
      title="There's no blog here"
      home={home}
      actions={
        <>
          <a href={rootUrl("/new")} className={buttonClasses("primary", "lg")}>
            {slug ? `Create “${slug}”` : "Create a blog"}
          </a>
          <a href={home} className={buttonClasses("secondary", "lg")}>
            Browse blogs on Conduit
          </a>
        </>
      }
    >
      {slug ? (
        <>
          <span className="font-mono text-base text-ink">{host}</span> isn't a Conduit blog — yet. The address
          may be free for you to claim.
        </>
      ) : (
        "This address isn't a Conduit blog."
      )}
    </ErrorShell>
  );
}
