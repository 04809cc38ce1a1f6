import { expect, test } from "@playwright/test";
import { newPerson, signIn, signUp, siteUrl, snap, unique } from "./support";

test("a new user signs up, creates a blog and reads it on its own subdomain", async ({ page, context }) => {
  const person = newPerson();
  const slug = unique("notes");
  const name = `Field Notes ${slug.slice(-6)}`;

  await signUp(page, person);
  await page.goto("/new");
  await expect(page.getByRole("heading", { name: "Create a blog" })).toBeVisible();

  await page.getByLabel("Blog name").fill(name);
  await page.getByLabel("Address").fill(slug);
  await expect(page.locator("#slug-status")).toHaveText(/Available/);
  await expect(page.getByTestId("blog-url")).toHaveText(siteUrl(slug, ""));
  await page.locator("label", { hasText: "Bold" }).click();
  await expect(page.getByRole("radio", { name: /Bold/ })).toBeChecked();
  await snap(page, "new-blog-form");

  await page.getByRole("button", { name: "Create blog" }).click();
  await expect(page).toHaveURL(new RegExp(`/studio/${slug}$`));
  await expect(page.getByText(name).first()).toBeVisible();
  await snap(page, "studio");

  // "View blog" opens the subdomain in a new tab, signed in there too.
  const [reader] = await Promise.all([
    context.waitForEvent("page"),
    page
      .getByRole("link", { name: /View blog/ })
      .filter({ visible: true })
      .click(),
  ]);
  await reader.waitForLoadState();
  await expect(reader).toHaveURL(siteUrl(slug));
  await expect(reader.getByRole("banner").getByText(name)).toBeVisible();
  await expect(reader.locator("[data-theme='bold']").first()).toBeAttached();
  await snap(reader, "reader-site");
  const session = await reader.goto(siteUrl(slug, "/api/auth/session"));
  const body = (await session?.json()) as { user?: { email?: string } } | undefined;
  expect(body?.user?.email).toBe(person.email);
  await reader.close();

  // Sign out from the account menu, then back in: the studio is reachable again.
  await page.getByRole("button", { name: "Account menu" }).filter({ visible: true }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).not.toHaveURL(/\/studio/);
  await page.goto(`/studio/${slug}`);
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page, person);
  await page.goto(`/studio/${slug}`);
  await expect(page).toHaveURL(new RegExp(`/studio/${slug}$`));
  await expect(page.getByText(name).first()).toBeVisible();
});
