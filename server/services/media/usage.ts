import type { ObjectId } from "mongodb";
import type { TenantDb } from "../../db";

/**
 * How many places show each image: posts whose rendered HTML, content or cover mention the
 * media id (every variant URL carries it), plus the blog logo. Computed on read: the library is
 * opened rarely and a blog's posts are few enough to scan; no counter can drift.
 */
export async function usageByMedia(t: TenantDb, ids: ObjectId[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>(ids.map((id) => [id.toHexString(), 0]));
  if (!ids.length) return counts;
  const hex = ids.map((id) => id.toHexString());
  const pattern = new RegExp(hex.join("|"), "g");
  const bump = (text: string) => {
    for (const id of new Set(text.match(pattern) ?? [])) counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  const posts = t.posts.find(
    { deletedAt: { $in: [null] } },
    { projection: { html: 1, content: 1, coverUrl: 1 } },
  );
  for await (const post of posts) {
    bump(`${post.html ?? ""} ${JSON.stringify(post.content ?? null)} ${post.coverUrl ?? ""}`);
  }
  const settings = await t.settings.findOne({ _id: "blog" }, { projection: { logoUrl: 1 } });
  if (settings?.logoUrl) bump(settings.logoUrl);
  return counts;
}
