import { expect, test } from "@playwright/test";
import { newPerson, signIn, signUp, siteUrl, snap, unique } from "./support";

test("a new user signs up, creates a blog and reads it on its own subdomain", async ({ page }) => {
  const person = newPerson();
  const slug = unique("notes");
  const name = `Field Notes ${slug.slice(-6)}`;

  await signUp(page, person);
  await page.goto("/new");
  await expect(page.getByRole("heading", { name: "Create a blog" })).toBeVisible();

  await page.getByLabel("Blog name").fill(name);
  const address = page.getByLabel("Address");
  await address.fill(slug);
  await expect(page.locator("#slug-status")).toHaveText(/Available/);
  await expect(page.getByTestId("blog-url")).toHaveText(siteUrl(slug, ""));
  await page.locator("label", { hasText: "Bold" }).click();
  await expect(page.getByRole("radio", { name: /Bold/ })).toBeChecked();
  await snap(page, "new-blog-form");

  await page.getByRole("button", { name: "Create blog" }).click();
  await expect(page).toHaveURL(new RegExp(`/studio/${slug}$`));
  await expect(page.getByText(name).first()).toBeVisible();
  await snap(page, "studio");

  const site = await page.goto(siteUrl(slug));
  expect(site?.status()).toBe(200);
  await expect(page.getByRole("banner").getByText(name)).toBeVisible();
  await expect(page.locator("[data-theme='bold']").first()).toBeAttached();
  await snap(page, "reader-site");

  // The session cookie is scoped to the root domain: the creator is signed in on the blog too.
  // (In the browser: Node's resolver, used by page.request, does not resolve *.localhost.)
  const session = await page.goto(siteUrl(slug, "/api/auth/session"));
  expect(((await session?.json()) as { user?: { email?: string } }).user?.email).toBe(person.email);

  // Sign out from the account menu, then back in: the studio is reachable again.
  await page.goto(`/studio/${slug}`);
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  await page.goto(`/studio/${slug}`);
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page, person);
  await page.goto(`/studio/${slug}`);
  await expect(page).toHaveURL(new RegExp(`/studio/${slug}$`));
  await expect(page.getByText(name).first()).toBeVisible();
});
