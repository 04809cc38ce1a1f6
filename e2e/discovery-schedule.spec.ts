import { expect, type Page, test } from "@playwright/test";
import { createBlogViaApi, signIn, siteUrl, unique } from "./support";

const body = (page: Page) => page.getByRole("textbox", { name: "Post body" });

/**
 * The whole scheduling path through the UI: a post scheduled in the studio a few seconds ahead is
 * published by the worker at that time and appears on the discovery page and on the blog.
 */
test("a post scheduled in the studio a few seconds ahead appears on the discovery page and the blog", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const slug = unique("dss");
  const title = `Scheduled ${unique("post")}`;
  const person = await createBlogViaApi(request, { name: `Schedule ${slug}`, slug });
  await signIn(page, person);

  await page.goto(`/studio/${slug}/posts`);
  await page.getByRole("button", { name: "New post" }).click();
  await expect(page).toHaveURL(/\/posts\/[0-9a-f]{24}$/, { timeout: 60_000 });
  await expect(body(page)).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Title").fill(title);
  await body(page).click();
  await page.keyboard.type("Written now, live in a moment.");
  await expect(page.locator("[data-save-state]")).toHaveAttribute("data-save-state", "saved", {
    timeout: 20_000,
  });

  // The picker has minute precision: schedule the next minute, once we are late in this one.
  await expect
    .poll(() => page.evaluate(() => new Date().getSeconds()), { timeout: 60_000, intervals: [500] })
    .toBeGreaterThanOrEqual(40);
  const { local, at } = await page.evaluate(() => {
    const next = new Date();
    next.setSeconds(0, 0);
    next.setMinutes(next.getMinutes() + 1);
    const pad = (n: number) => String(n).padStart(2, "0");
    return {
      local: `${next.getFullYear()}-${pad(next.getMonth() + 1)}-${pad(next.getDate())}T${pad(next.getHours())}:${pad(next.getMinutes())}`,
      at: next.getTime(),
    };
  });
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Schedule for later").click();
  await dialog.getByRole("textbox", { name: "Date and time" }).fill(local);
  await dialog.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText(/^Scheduled for /)).toBeVisible();

  // Not before its time: the discovery page does not list it yet.
  await page.goto("/?sort=new");
  await expect(page.getByRole("link", { name: title })).toHaveCount(0);
  expect(Date.now()).toBeLessThan(at);

  // The worker publishes it at `at`; the feed shows it (pages are cached for at most a second).
  await expect(async () => {
    await page.goto("/?sort=new");
    await expect(page.getByRole("link", { name: title })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 90_000, intervals: [1_000] });
  expect(Date.now()).toBeGreaterThanOrEqual(at);

  const link = await page.getByRole("link", { name: title }).getAttribute("href");
  expect(link).toMatch(new RegExp(`^http://${slug}\\.localhost:\\d+/`));
  await page.goto(link ?? siteUrl(slug));
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await page.goto(siteUrl(slug));
  await expect(page.getByText(title).first()).toBeVisible();
});
