import { expect, type Page, test } from "@playwright/test";
import { ObjectId } from "mongodb";
import Parser from "rss-parser";
import { code, doc, heading, image, para, publishPost, text, withWriter } from "./reader-support";
import { createBlogViaApi, newPerson, siteUrl, unique } from "./support";

const port = Number(process.env.CONDUIT_E2E_PORT);

async function signUpViaApi(page: Page) {
  const person = newPerson();
  const res = await page.request.post("/api/users", {
    data: { user: { email: person.email, username: person.username, password: person.password } },
  });
  expect(res.status(), await res.text()).toBe(201);
  return person;
}

/** A fetch from the blog's own origin (Node's resolver knows no *.localhost; Chromium does). */
async function fetchOnBlog(
  page: Page,
  path: string,
): Promise<{ status: number; type: string; body: string; cache: string }> {
  return page.evaluate(async (p) => {
    const res = await fetch(p, { cache: "no-store" });
    return {
      status: res.status,
      type: res.headers.get("content-type") ?? "",
      body: await res.text(),
      cache: res.headers.get("x-reader-cache") ?? "",
    };
  }, path);
}

test("a reader reads, switches to dark, signs in from a post, likes, comments and replies; RSS has the post", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const slug = unique("reader");
  const name = `Field Notes ${slug.slice(-4)}`;
  await createBlogViaApi(page.request, { name, slug, theme: "classic" });
  const story = await publishPost(slug, {
    title: "Reading the tide tables",
    tags: ["sea", "how-to"],
    content: doc(
      para(text("High water comes twice a day, a little later each time.")),
      image(`http://localhost:${port}/icon.svg`, "The Conduit mark"),
      heading(2, "A small program"),
      code("ts", "const next = (t: number) => t + 12.42; // hours"),
    ),
  });

  // The blog on its subdomain: the post is listed.
  await page.goto(siteUrl(slug));
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Reading the tide tables" }).first()).toBeVisible();

  // Dark mode: a toggle that is remembered across pages.
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-mode", "auto");
  await page.getByRole("button", { name: "Switch between light and dark mode" }).click();
  await expect(html).toHaveAttribute("data-mode", /dark|light/);
  const chosen = await html.getAttribute("data-mode");
  await page.reload();
  await expect(html).toHaveAttribute("data-mode", chosen ?? "dark");
  if (chosen !== "dark") {
    await page.getByRole("button", { name: "Switch between light and dark mode" }).click();
    await expect(html).toHaveAttribute("data-mode", "dark");
  }
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe("rgb(27, 22, 18)"); // classic's dark paper

  // The post: image, highlighted code, heading anchor, byline.
  await page.getByRole("link", { name: "Reading the tide tables" }).first().click();
  await expect(page).toHaveURL(siteUrl(slug, `/${story.slug}`));
  await expect(page.getByRole("heading", { level: 1, name: "Reading the tide tables" })).toBeVisible();
  await expect(page.locator("figure.post-image img")).toHaveAttribute("alt", "The Conduit mark");
  await expect(page.locator("figure.post-image img")).toHaveAttribute("loading", "lazy");
  await expect(page.locator("pre code.hljs .hljs-keyword").first()).toHaveText("const");
  await expect(page.locator("h2#a-small-program a.anchor")).toHaveAttribute("href", "#a-small-program");
  await expect(page.locator("html")).toHaveAttribute("data-mode", "dark");

  // Signed out: the like button leads to sign-in, the comment box is a sign-in link.
  const reader = await signUpViaApi(page);
  await page.getByRole("link", { name: "Sign in to comment" }).click();
  await expect(page).toHaveURL(/\/signin\?/);
  await page.getByLabel("E-mail").fill(reader.email);
  await page.getByLabel("Password").fill(reader.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  // Back on the same post, on the blog's subdomain, signed in there.
  await expect(page).toHaveURL(new RegExp(`^http://${slug}\\.localhost:${port}/${story.slug}#comments$`), {
    timeout: 60_000,
  });
  await expect(page.locator("[data-user-slot]")).toContainText(reader.username);

  const like = page.locator("[data-like]");
  await like.click();
  await expect(like).toHaveAttribute("aria-pressed", "true");
  await expect(like).toContainText("1");

  await page
    .getByPlaceholder("Add to the conversation")
    .fill("Lovely tables. More at https://example.com/tides");
  await page.getByRole("button", { name: "Post comment" }).click();
  const first = page.locator(".comment").filter({ hasText: "Lovely tables." });
  await expect(first).toBeVisible();
  await expect(first.getByRole("link", { name: "https://example.com/tides" })).toHaveAttribute("rel", /ugc/);
  await first.getByRole("button", { name: "Reply" }).click();
  await page.getByPlaceholder("Write a reply").fill("Replying to myself, as one does.");
  await page.getByRole("button", { name: "Reply", exact: true }).last().click();
  await expect(page.locator(".reply-list .comment")).toContainText("Replying to myself");

  // Both survive a reload (the cached page was purged), and the like is still mine.
  await page.reload();
  await expect(page.locator(".comment").filter({ hasText: "Lovely tables." })).toBeVisible();
  await expect(page.locator(".reply-list .comment")).toContainText("Replying to myself");
  await expect(page.locator("[data-comment-count]")).toHaveText("(2)");
  await expect(page.locator("[data-like]")).toHaveAttribute("aria-pressed", "true");

  // Feeds: the RSS feed parses and carries the post with its full content.
  const rss = await fetchOnBlog(page, "/rss.xml");
  expect(rss.type).toContain("application/rss+xml");
  const feed = await new Parser().parseString(rss.body);
  expect(feed.title).toBe(name);
  const item = feed.items.find((i) => i.title === "Reading the tide tables");
  expect(item?.link).toBe(siteUrl(slug, `/${story.slug}`));
  expect(item?.content).toContain("High water comes twice a day");
  const atom = await new Parser().parseString((await fetchOnBlog(page, "/atom.xml")).body);
  expect(atom.items[0]?.title).toBe("Reading the tide tables");
  const json = JSON.parse((await fetchOnBlog(page, "/feed.json")).body) as {
    version: string;
    items: { title: string }[];
  };
  expect(json.version).toContain("jsonfeed.org");
  expect(json.items[0]?.title).toBe("Reading the tide tables");
  const tagFeed = await new Parser().parseString((await fetchOnBlog(page, "/tag/sea/rss.xml")).body);
  expect(tagFeed.items.map((i) => i.title)).toContain("Reading the tide tables");
  expect((await fetchOnBlog(page, "/sitemap.xml")).body).toContain(`/${story.slug}</loc>`);
  expect((await fetchOnBlog(page, "/robots.txt")).body).toContain("Sitemap:");
  const og = await fetchOnBlog(page, `/og/${story.slug}`);
  expect(og.status).toBe(200);
  expect(og.type).toBe("image/png");
});

test("script payloads in a title, body, tag and comment show as text and never run", async ({ page }) => {
  const slug = unique("xss");
  await createBlogViaApi(page.request, { name: `Safe ${slug.slice(-4)}`, slug, theme: "bold" });
  const payload = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;
  const story = await publishPost(slug, {
    title: `Title ${payload}`,
    tags: [`tag<script>window.__pwned=3</script>`],
    excerpt: `Excerpt ${payload}`,
    content: doc(
      para(text(`Body ${payload}`)),
      para(text("javascript link", [{ type: "link", attrs: { href: "javascript:window.__pwned=4" } }])),
    ),
  });
  const reader = await signUpViaApi(page);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));

  await page.goto(siteUrl(slug));
  await expect(page.getByText(`Title ${payload}`).first()).toBeVisible();
  await page.goto(siteUrl(slug, `/${story.slug}`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Title ${payload}`);
  await expect(page.getByText(`Body ${payload}`)).toBeVisible();
  expect(await page.locator(".prose a[href^='javascript']").count()).toBe(0);

  // A comment with a payload, written by a signed-in reader.
  await page.getByRole("link", { name: "Sign in to comment" }).click();
  await page.getByLabel("E-mail").fill(reader.email);
  await page.getByLabel("Password").fill(reader.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("[data-user-slot]")).toContainText(reader.username);
  await page.getByPlaceholder("Add to the conversation").fill(`Comment ${payload}`);
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.locator(".comment-body").filter({ hasText: `Comment ${payload}` })).toBeVisible();
  await page.reload();
  await expect(page.locator(".comment-body").filter({ hasText: `Comment ${payload}` })).toBeVisible();

  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator("article img[src='x']").count()).toBe(0);
  expect(errors).toEqual([]);
});

test("an update to a published post reaches the cached page within a second", async ({ page }) => {
  const slug = unique("purge");
  await createBlogViaApi(page.request, { name: `Purge ${slug.slice(-4)}`, slug, theme: "minimal" });
  const story = await publishPost(slug, {
    title: "The first title",
    content: doc(para(text("Version one."))),
  });
  const url = siteUrl(slug, `/${story.slug}`);

  const first = await page.goto(url);
  expect(first?.status()).toBe(200);
  // The publish's own purge reaches the server through Redis and may land after the first view.
  // (Asked with fetch and no-store: a navigation would revalidate and show the stored headers.)
  await expect
    .poll(async () => (await fetchOnBlog(page, `/${story.slug}`)).cache, { timeout: 20_000 })
    .toBe("hit");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The first title");

  // Updated through the posts service in another process: its fan-out publishes the purge.
  await withWriter(slug, async ({ posts, tenant, actor }) => {
    const current = await posts.getForEditor(tenant, actor, story.id);
    const saved = await posts.save(tenant, actor, story.id, {
      baseVersion: current.version,
      title: "The second title",
      content: doc(para(text("Version two."))),
    });
    if (!saved.ok) throw new Error("conflict");
  });
  const changedAt = Date.now();
  let seenAt = 0;
  while (Date.now() - changedAt < 5_000) {
    // The request's start time: by then the cached page had changed (the fetch itself may be slow
    // on a loaded machine, which says nothing about the purge).
    const askedAt = Date.now();
    const { body } = await fetchOnBlog(page, `/${story.slug}`);
    if (body.includes("The second title")) {
      seenAt = askedAt;
      break;
    }
    await page.waitForTimeout(50);
  }
  expect(seenAt, "the new title never appeared").toBeGreaterThan(0);
  expect(seenAt - changedAt).toBeLessThan(1_000);
  await page.goto(url);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The second title");
  await expect(page.getByText("Version two.")).toBeVisible();
});

test("the blog's owner hides a reader's comment from the post page", async ({ browser, page }) => {
  const slug = unique("moderate");
  const owner = await createBlogViaApi(page.request, {
    name: `Moderated ${slug.slice(-4)}`,
    slug,
    theme: "minimal",
  });
  const reader = await signUpViaApi(page);
  const story = await publishPost(slug, {
    title: "A post with opinions",
    content: doc(para(text("Discuss."))),
  });
  // A reader's comment with a reply, written to the blog's database; the purge goes out as usual.
  await withWriter(slug, async ({ db, tenant, purger }) => {
    const user = await db.master().users.findOne({ username: reader.username });
    const postId = new ObjectId(story.id);
    const comments = db.forTenant(tenant).comments;
    const base = { postId, hidden: false, editedAt: null, deletedAt: null };
    const top = await comments.insertOne({
      ...base,
      _id: new ObjectId(),
      parentId: null,
      authorId: user?._id ?? null,
      body: "This post is wrong and here is why.",
      createdAt: new Date(Date.now() - 60_000),
    });
    await comments.insertOne({
      ...base,
      _id: new ObjectId(),
      parentId: top.insertedId,
      authorId: tenant.ownerId,
      body: "Thanks for reading anyway.",
      createdAt: new Date(),
    });
    await db.forTenant(tenant).posts.updateOne({ _id: postId }, { $set: { "metrics.comments": 2 } });
    await purger.purgeTenant(tenant, "test");
  });

  const context = await browser.newContext();
  const op = await context.newPage();
  await op.goto(siteUrl(slug, `/${story.slug}`));
  await expect(op.locator(".comment").first()).toContainText("This post is wrong");
  await op.getByRole("link", { name: "Sign in to comment" }).click();
  await op.getByLabel("E-mail").fill(owner.email);
  await op.getByLabel("Password").fill(owner.password);
  await op.getByRole("button", { name: "Sign in" }).click();
  await expect(op.locator("[data-user-slot]")).toContainText(owner.username);

  const readerComment = op.locator(".comment[data-top-level]").first();
  await readerComment.getByRole("button", { name: "Hide" }).click();
  await expect(op.getByText("This comment was removed.")).toBeVisible();
  await expect(op.getByText("This post is wrong")).toHaveCount(0);
  await expect(op.getByText("Thanks for reading anyway.")).toBeVisible();

  // Every reader sees it gone (the cached page was purged), and the owner can sign out of the blog.
  await page.goto(siteUrl(slug, `/${story.slug}`));
  await expect(page.getByText("This comment was removed.")).toBeVisible();
  await expect(page.getByText("This post is wrong")).toHaveCount(0);
  await op.getByRole("button", { name: "Sign out" }).click();
  await expect(op.locator("[data-user-slot]")).toContainText("Sign in");
  await context.close();
});
