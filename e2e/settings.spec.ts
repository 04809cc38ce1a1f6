import { expect, test } from "@playwright/test";
import { newPerson, signUp, siteUrl, snap, unique } from "./support";

test("renaming a blog in the studio settings shows the new name on the reader site", async ({ page }) => {
  const slug = unique("rename");
  await signUp(page, newPerson());
  await page.goto("/new");
  await page.getByLabel("Blog name").fill("Before the rename");
  await page.getByLabel("Address").fill(slug);
  await expect(page.locator("#slug-status")).toHaveText(/Available/);
  await page.getByRole("button", { name: "Create blog" }).click();
  await expect(page).toHaveURL(new RegExp(`/studio/${slug}$`));

  await page.goto(`/studio/${slug}/settings`);
  const name = page.getByLabel("Blog name");
  await expect(name).toHaveValue("Before the rename");
  await name.fill("After the rename");
  await page.locator("label", { hasText: "Minimal" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/Saved\./)).toBeVisible();
  await snap(page, "settings-saved");

  await page.goto(siteUrl(slug));
  await expect(page.getByRole("banner").getByText("After the rename")).toBeVisible();
  await expect(page.getByText("Before the rename")).toHaveCount(0);
  await expect(page.locator("[data-theme='minimal']").first()).toBeAttached();
  await snap(page, "reader-after-rename");
});
