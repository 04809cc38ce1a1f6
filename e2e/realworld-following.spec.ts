import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createBlogViaApi, newPerson, signUp, unique } from "./support";

/**
 * Follows are platform-wide: a reader follows a writer from the writer's page of the discovery
 * feed (or through the RealWorld API), and the "Following" tab lists that writer's posts from every
 * blog. Posts are written through the RealWorld API, so they are in the feed like any other.
 */

const SCREENS = "/work/screens/realworld";

test("a signed-in reader follows a writer and sees their posts under Following", async ({
  page,
  request,
}) => {
  const slug = unique("fw");
  const writer = await createBlogViaApi(request, { name: "Followed Writer", slug });
  const login = await request.post("/api/users/login", {
    data: { user: { email: writer.email, password: writer.password } },
  });
  const token = (await login.json()).user.token as string;
  for (const title of ["On the blog", "Another one"]) {
    // Node does not resolve *.localhost: the blog is named in the Host header.
    const port = process.env.CONDUIT_E2E_PORT;
    const res = await request.post(`http://127.0.0.1:${port}/api/articles`, {
      headers: { Host: `${slug}.localhost:${port}`, Authorization: `Token ${token}` },
      data: {
        article: { title, description: `About ${title}`, body: `Text of *${title}*.`, tagList: ["follow"] },
      },
    });
    expect(res.status(), await res.text()).toBe(201);
  }

  const reader = newPerson();
  await signUp(page, reader);
  await page.goto("/");
  const tab = page.getByRole("link", { name: "Following", exact: true });
  await expect(tab).toBeVisible();
  await tab.click();
  await expect(page).toHaveURL(/\/\?feed=following$/);
  await expect(page.getByRole("heading", { name: "You're not following anyone yet" })).toBeVisible();

  await page.goto(`/?author=${writer.username}`);
  await page.getByRole("button", { name: `Follow @${writer.username}` }).click();
  await expect(page.getByRole("button", { name: "Following ✓" })).toBeVisible();

  await page.goto("/?feed=following");
  const items = page.getByTestId("following-items").locator(":scope > li");
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText("Another one");
  await expect(items.nth(1)).toContainText("On the blog");
  await expect(page.getByRole("link", { name: "Following", exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: `${SCREENS}/following-tab.png`, fullPage: true });

  // The RealWorld API sees the same follow.
  const readerLogin = await request.post("/api/users/login", {
    data: { user: { email: reader.email, password: reader.password } },
  });
  const readerToken = (await readerLogin.json()).user.token as string;
  const profile = await request.get(`/api/profiles/${writer.username}`, {
    headers: { Authorization: `Token ${readerToken}` },
  });
  expect((await profile.json()).profile.following).toBe(true);
  const feed = await request.get("/api/articles/feed", {
    headers: { Authorization: `Token ${readerToken}` },
  });
  expect((await feed.json()).articlesCount).toBe(2);

  // Signed out, there is no Following tab.
  await page.context().clearCookies();
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Following", exact: true })).toHaveCount(0);
});
