import { hasSlugShape, RESERVED_SLUGS } from "../services/tenants/slug";

export type ParsedHost = { kind: "root" } | { kind: "tenant"; slug: string } | { kind: "unknown" };

function splitHostPort(value: string): { name: string; port: string | null } {
  const v = value.trim().toLowerCase();
  const ipv6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (ipv6) return { name: `[${ipv6[1]}]`, port: ipv6[2] ?? null };
  const i = v.lastIndexOf(":");
  if (i > -1 && /^\d+$/.test(v.slice(i + 1))) return { name: v.slice(0, i), port: v.slice(i + 1) };
  return { name: v, port: null };
}

const DEFAULT_PORTS = new Set(["80", "443"]);
const LOOPBACK = new Set(["127.0.0.1", "[::1]"]);

/**
 * Which site a `Host` header names, relative to `ROOT_DOMAIN` (which may carry a port):
 * the root domain (also `www.` and loopback IPs on the same port), one blog `<slug>.<root>`,
 * or anything else (foreign hosts, nested or reserved subdomains, malformed names).
 */
export function parseHost(host: string | null | undefined, rootDomain: string): ParsedHost {
  if (!host) return { kind: "unknown" };
  const root = splitHostPort(rootDomain);
  const given = splitHostPort(host);
  const name = given.name.replace(/\.$/, "");
  const portMatches = root.port
    ? given.port === root.port
    : given.port === null || DEFAULT_PORTS.has(given.port);
  if (!portMatches || !name) return { kind: "unknown" };

  if (name === root.name || name === `www.${root.name}` || LOOPBACK.has(name)) return { kind: "root" };
  if (!name.endsWith(`.${root.name}`)) return { kind: "unknown" };
  const label = name.slice(0, -(root.name.length + 1));
  if (label.includes(".") || !hasSlugShape(label) || RESERVED_SLUGS.has(label)) return { kind: "unknown" };
  return { kind: "tenant", slug: label };
}
