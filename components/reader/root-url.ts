import "server-only";
import { env } from "@/server/env";

/** The platform's own address (the root domain), for links out of a blog's subdomain. */
export function rootUrl(path = "/"): string {
  return `${env.PUBLIC_PROTOCOL}://${env.ROOT_DOMAIN}${path}`;
}
