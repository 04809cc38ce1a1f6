import { getServices } from "@/server/services/container";
import { isServableKey } from "@/server/services/media/keys";
import { IMMUTABLE_CACHE } from "@/server/services/media/object-storage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function notFound(): Response {
  return new Response("Not found", {
    status: 404,
    headers: { "content-type": "text/plain", "cache-control": "no-store" },
  });
}

/**
 * `GET /media/<tenantId>/<mediaId>/w<width>.webp` (and `avatars/<userId>/…`): the resized images,
 * streamed from the bucket with year-long immutable caching — a new upload always gets a new key.
 * Only variant keys are served; an upload's original bytes never are. With `S3_PUBLIC_URL` set
 * (a CDN or public bucket) pages link there instead and this route is only a fallback.
 */
export async function GET(
  req: Request,
  { params }: { params: Promise<{ key: string[] }> },
): Promise<Response> {
  const { key: parts } = await params;
  const key = parts.join("/");
  const storage = getServices().storage;
  if (!storage || !isServableKey(key)) return notFound();
  const object = await storage.open(key, req.headers.get("if-none-match") ?? undefined);
  if (!object) return notFound();
  const headers: Record<string, string> = {
    "cache-control": IMMUTABLE_CACHE,
    "x-content-type-options": "nosniff",
  };
  if (object.etag) headers.etag = object.etag;
  if (object.notModified) return new Response(null, { status: 304, headers });
  return new Response(object.body, {
    headers: {
      ...headers,
      "content-type": "image/webp",
      ...(object.size !== undefined ? { "content-length": String(object.size) } : {}),
    },
  });
}
