import { expect, test } from "@playwright/test";
import { makeJpeg, newDraft, publishNow } from "./media-support";
import { createBlogViaApi, signIn, siteUrl, unique } from "./support";

test.describe("profiles", () => {
  // Uploads, resizing, publishing and the reader site in one flow: longer than the default budget.
  test.describe.configure({ timeout: 420_000 });

  test("sets a name, username and avatar on the account page and sees them in the byline", async ({
    page,
    request,
  }) => {
    const slug = unique("face");
    const other = await createBlogViaApi(request, { name: `Other ${slug}`, slug: `${slug}-x` });
    const person = await createBlogViaApi(request, { name: `Face ${slug}`, slug });
    const portrait = makeJpeg("portrait.jpg", 1200, 900);
    await signIn(page, person);

    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();

    // Live username check, as for blog addresses.
    const username = page.getByLabel("Username");
    await username.fill(other.username);
    await expect(page.getByText("That username is taken")).toBeVisible();
    await username.fill("admin");
    await expect(page.getByText("That username is reserved")).toBeVisible();
    const handle = `ada_${slug.replace(/-/g, "_").slice(-6)}`;
    await username.fill(handle);
    await expect(page.getByText("Available")).toBeVisible();
    await page.getByLabel("Display name").fill("Ada Lovelace");
    await page.getByLabel("Bio").fill("Writes about engines.");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByText("Saved. Your bylines show the change.")).toBeVisible();

    // Avatar upload with progress, then shown.
    await page.getByTestId("avatar-file-input").setInputFiles(portrait);
    await expect(page.getByRole("progressbar", { name: "Uploading portrait.jpg" })).toBeVisible();
    await expect(page.getByTestId("account-avatar")).toHaveAttribute(
      "src",
      /\/media\/avatars\/[0-9a-f]{24}\/[0-9a-f]{24}\/w256\.webp$/,
      {
        timeout: 60_000,
      },
    );
    await expect(page.getByTestId("account-avatar")).toHaveAttribute("srcset", /w64\.webp 64w/);

    await newDraft(page, slug, "A note on engines", "The analytical engine weaves patterns.");
    await publishNow(page);
    await page.goto(siteUrl(slug, "/a-note-on-engines"));
    const byline = page.locator(".byline");
    await expect(byline).toContainText("Ada Lovelace");
    const avatar = byline.locator("img").first();
    await expect(avatar).toHaveAttribute("src", /\/media\/avatars\/.*\.webp$/);
    await expect
      .poll(() => avatar.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
      .toBeGreaterThan(0);
  });

  test("changes the password: the old one stops working", async ({ page, request }) => {
    const slug = unique("pw");
    const person = await createBlogViaApi(request, { name: `Pw ${slug}`, slug });
    await signIn(page, person);
    await page.goto("/account");
    await page.getByLabel("Current password").fill("wrong-password");
    await page.getByLabel("New password", { exact: true }).fill("brand-new-password");
    await page.getByLabel("Repeat new password").fill("brand-new-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Your current password is not right.")).toBeVisible();
    await page.getByLabel("Current password").fill(person.password);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed.")).toBeVisible();

    const old = await request.post("/api/users/login", {
      data: { user: { email: person.email, password: person.password } },
    });
    expect(old.status()).toBeGreaterThanOrEqual(400);
    const fresh = await request.post("/api/users/login", {
      data: { user: { email: person.email, password: "brand-new-password" } },
    });
    expect(fresh.status()).toBe(200);
  });
});
