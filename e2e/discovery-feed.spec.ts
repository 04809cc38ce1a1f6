import { expect, test } from "@playwright/test";
import { publishMany } from "./discovery-support";
import { createBlogViaApi, unique } from "./support";

/**
 * The discovery page at the root domain, on posts published through the posts service with the
 * feed fan-out. Every test uses its own tag, so other specs' posts never change what it counts.
 */
test.describe("discovery page", () => {
  test.describe.configure({ timeout: 180_000 });

  test("a tag page pages through every post once (infinite scroll), tabs and the author filter", async ({
    page,
    request,
  }) => {
    const tag = unique("tg");
    const blogA = unique("dsa");
    const blogB = unique("dsb");
    await createBlogViaApi(request, { name: `Alpha ${blogA}`, slug: blogA });
    await createBlogViaApi(request, { name: `Beta ${blogB}`, slug: blogB, theme: "bold" });
    const alpha = Array.from({ length: 14 }, (_, i) => ({ title: `Alpha note ${i + 1}`, tags: [tag] }));
    await publishMany(blogA, alpha);
    await publishMany(blogB, [
      { title: "Beta essay one", tags: [tag, "essays"] },
      { title: "Beta essay two", tags: [tag] },
    ]);

    await page.goto(`/tag/${tag}?sort=new`);
    await expect(page.getByRole("heading", { level: 1, name: `#${tag}` })).toBeVisible();
    const cards = page.getByTestId("feed-items").locator("article");
    await expect(cards).toHaveCount(12);
    await expect(cards.first().getByRole("heading")).toHaveText("Beta essay two");
    await expect(page.getByRole("link", { name: "Load more" })).toBeVisible();

    // Scrolling to the end loads the rest; nothing twice, nothing missing.
    await page.getByRole("link", { name: "Load more" }).scrollIntoViewIfNeeded();
    await expect(page.getByText("You've reached the end")).toBeVisible();
    const titles = await cards.getByRole("heading").allTextContents();
    expect(titles).toHaveLength(16);
    expect(new Set(titles).size).toBe(16);
    expect(titles.at(-1)).toBe("Alpha note 1");

    // The card links to the post on its blog's subdomain.
    const href = await cards.first().getByRole("link", { name: "Beta essay two" }).getAttribute("href");
    expect(href).toMatch(new RegExp(`^http://${blogB}\\.localhost:\\d+/beta-essay-two$`));

    // Tabs keep the tag; Top offers its periods.
    const tabs = page.getByRole("navigation", { name: "Sort the feed" });
    await tabs.getByRole("link", { name: "Top", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/tag/${tag}\\?sort=top$`));
    await expect(
      page.getByRole("navigation", { name: "Top posts of" }).getByRole("link", { name: "All time" }),
    ).toBeVisible();
    await tabs.getByRole("link", { name: "Trending", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/tag/${tag}$`));
    await expect(cards).toHaveCount(12);

    // The author filter: that writer's posts, across every topic.
    await page.goto(`/tag/${tag}?sort=new`);
    await cards.first().locator('a[title^="More from"]').click();
    await expect(page).toHaveURL(/[?&]author=/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Posts by /);
    await expect(cards).toHaveCount(2);
    await expect(cards.getByRole("heading")).toHaveText(["Beta essay two", "Beta essay one"]);
    // A topic chip of the sidebar then narrows that writer's posts to one tag.
    await page
      .getByRole("complementary", { name: "Explore" })
      .getByRole("link", { name: /^#essays/ })
      .click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("#essays");
    await expect(page.getByText(/^Only by @/)).toBeVisible();
    await expect(cards.getByRole("heading")).toHaveText(["Beta essay one"]);
  });

  test("without JavaScript, Load more is a link to the next page", async ({ browser, request }) => {
    const tag = unique("nj");
    const slug = unique("dsn");
    await createBlogViaApi(request, { name: `No script ${slug}`, slug });
    await publishMany(
      slug,
      Array.from({ length: 13 }, (_, i) => ({ title: `Plain page ${i + 1}`, tags: [tag] })),
    );
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`/tag/${tag}?sort=new`);
    const cards = page.getByTestId("feed-items").locator("article");
    await expect(cards).toHaveCount(12);
    await page.getByRole("link", { name: "Load more" }).click();
    await expect(page).toHaveURL(/cursor=/);
    await expect(page.getByText("Showing older posts.")).toBeVisible();
    await expect(cards).toHaveCount(1);
    await expect(cards.getByRole("heading")).toHaveText("Plain page 1");
    await context.close();
  });

  test("the front page: popular blogs, topic chips, latest posts; the API refuses bad parameters", async ({
    page,
    request,
  }) => {
    const tag = unique("fp");
    const slug = unique("dsf");
    await createBlogViaApi(request, { name: `Front ${slug}`, slug });
    await publishMany(slug, [{ title: `Fresh off the press ${tag}`, tags: [tag] }]);

    await page.goto("/?sort=new");
    await expect(page.getByRole("heading", { name: "Popular blogs" })).toBeVisible();
    await expect(page.getByRole("link", { name: `Fresh off the press ${tag}` })).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Sort the feed" }).getByRole("link", { name: "Latest" }),
    ).toHaveAttribute("aria-current", "page");

    const ok = await request.get(`/api/feed?tag=${tag}&sort=new`);
    expect(ok.status()).toBe(200);
    const body = (await ok.json()) as {
      items: { title: string; tenantSlug: string; url: string }[];
      nextCursor: null;
    };
    expect(body.items.map((i) => [i.title, i.tenantSlug])).toEqual([[`Fresh off the press ${tag}`, slug]]);
    expect(body.nextCursor).toBeNull();
    const bad = await request.get("/api/feed?limit=500");
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: "BAD_REQUEST", message: "limit must be at most 50" } });
  });
});
