import { expect, test } from "@playwright/test";
import { createBlogViaApi, newPerson, signUp, snap, unique } from "./support";

test("an address that is already taken is shown as taken before submitting", async ({ page, request }) => {
  const taken = unique("taken");
  await createBlogViaApi(request, { name: "Someone else's blog", slug: taken });

  await signUp(page, newPerson());
  await page.goto("/new");
  await page.getByLabel("Blog name").fill("My own blog");
  await page.getByLabel("Address").fill(taken);
  await expect(page.locator("#slug-status")).toHaveText(/taken/i);
  await snap(page, "slug-taken");

  await page.getByLabel("Address").fill("admin");
  await expect(page.locator("#slug-status")).toHaveText(/reserved/i);

  await page.getByLabel("Address").fill(unique("free"));
  await expect(page.locator("#slug-status")).toHaveText(/Available/);
});
