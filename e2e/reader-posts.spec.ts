import { expect, test } from "@playwright/test";
import { ObjectId } from "mongodb";
import { DatabaseService, type PostDoc } from "../server/db";
import { createBlogViaApi, signIn, siteUrl, snap, unique } from "./support";

/**
 * Posts have no write API until the editor lands, so the test writes them into the blog's own
 * database through the app's DatabaseService, as the demo seed does.
 */
async function withDb<T>(work: (db: DatabaseService) => Promise<T>): Promise<T> {
  const uri = process.env.CONDUIT_E2E_MONGODB_URI;
  const prefix = process.env.CONDUIT_E2E_DB_PREFIX;
  if (!uri || !prefix) throw new Error("e2e/global-setup.ts did not export the e2e Mongo");
  const db = new DatabaseService({ uri, prefix });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

function post(slug: string, title: string, status: PostDoc["status"], body: unknown[]): PostDoc {
  const at = new Date();
  return {
    _id: new ObjectId(),
    title,
    slug,
    content: { type: "doc", content: body },
    excerpt: "",
    tags: ["field-notes"],
    status,
    publishAt: null,
    publishedAt: status === "published" ? at : null,
    authorIds: [],
    version: 1,
    syncedVersion: 0,
    createdAt: at,
    updatedAt: at,
  };
}

const text = (t: string) => ({ type: "text", text: t });

test("a reader opens a blog, sees its published post and reads it", async ({ page }) => {
  const slug = unique("posts");
  const owner = await createBlogViaApi(page.request, {
    name: `Posts ${slug.slice(-6)}`,
    slug,
    theme: "minimal",
  });

  // Before any post: the studio's and the reader's empty states.
  await signIn(page, owner);
  await page.goto(`/studio/${slug}`);
  await expect(page.getByText("Write your first post")).toBeVisible();
  await expect(page.getByText("0 published")).toBeVisible();
  await page.goto(siteUrl(slug));
  await expect(page.getByText("No posts yet")).toBeVisible();

  await withDb(async (db) => {
    const tenant = await db.master().tenants.findOne({ slug });
    if (!tenant) throw new Error(`blog ${slug} not found`);
    await db.forTenant(tenant).posts.insertMany([
      post("tide-tables", "Reading the tide tables", "published", [
        { type: "paragraph", content: [text("High water comes twice a day, a little later each time.")] },
        { type: "heading", attrs: { level: 2 }, content: [text("Why the moon matters")] },
        { type: "paragraph", content: [text("<script>window.pwned = 1</script> stays text.")] },
      ]),
      post("secret-draft", "An unfinished draft", "draft", [
        { type: "paragraph", content: [text("Not yet.")] },
      ]),
    ]);
  });

  await page.goto(siteUrl(slug));
  await expect(page.getByText("No posts yet")).toHaveCount(0);
  await expect(page.getByText("An unfinished draft")).toHaveCount(0);
  // The excerpt comes from the body when the post has none.
  await expect(page.getByText("High water comes twice a day, a little later each time.")).toBeVisible();
  await snap(page, "reader-home");

  await page.getByRole("link", { name: "Reading the tide tables" }).click();
  await expect(page).toHaveURL(siteUrl(slug, "/tide-tables"));
  await expect(page).toHaveTitle(/Reading the tide tables/);
  await expect(page.getByRole("heading", { level: 1, name: "Reading the tide tables" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Why the moon matters" })).toBeVisible();
  await expect(page.getByText("High water comes twice a day, a little later each time.")).toBeVisible();
  await expect(page.getByText("<script>window.pwned = 1</script> stays text.")).toBeVisible();
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
  await snap(page, "reader-post");

  // Drafts and unknown slugs are the blog's own 404.
  const draft = await page.goto(siteUrl(slug, "/secret-draft"));
  expect(draft?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: `Posts ${slug.slice(-6)}` })).toBeVisible();

  // The owner's studio counts and lists both posts, whatever their status.
  await page.goto(`/studio/${slug}`);
  await expect(page.getByText("1 published · 1 draft")).toBeVisible();
  const rows = page.getByRole("listitem").filter({ hasText: "Reading the tide tables" });
  await expect(rows.getByText("Published", { exact: true })).toBeVisible();
  const draftRow = page.getByRole("listitem").filter({ hasText: "An unfinished draft" });
  await expect(draftRow.getByText("Draft", { exact: true })).toBeVisible();
  await expect(page.getByText("Write your first post")).toHaveCount(0);
  await snap(page, "studio-overview");
});
