import { expect, test } from "@playwright/test";
import { createBlogViaApi, siteUrl, snap, unique } from "./support";

test("an unknown subdomain shows the not-found page", async ({ page }) => {
  const response = await page.goto(siteUrl(unique("nobody")));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "There's no blog here" })).toBeVisible();
  await snap(page, "unknown-subdomain");
});

test("the internal reader path is not reachable on the root domain", async ({ page, request }) => {
  const slug = unique("hidden");
  await createBlogViaApi(request, { name: "Hidden path blog", slug });

  const onSubdomain = await page.goto(siteUrl(slug));
  expect(onSubdomain?.status()).toBe(200);

  const direct = await page.goto(`/site/${slug}`);
  expect(direct?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByText("Hidden path blog")).toHaveCount(0);
});
