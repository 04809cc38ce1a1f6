import { expect, test } from "@playwright/test";
import { newDraft, publishNow } from "./media-support";
import { createBlogViaApi, newPerson, signIn, siteUrl, unique } from "./support";

test.describe("blog members", () => {
  // Uploads, resizing, publishing and the reader site in one flow: longer than the default budget.
  test.describe.configure({ timeout: 420_000 });

  test("an owner invites a co-author, who writes a post on the same blog; removal keeps the post and its byline", async ({
    page,
    browser,
    request,
  }) => {
    const slug = unique("team");
    const owner = await createBlogViaApi(request, { name: `Team ${slug}`, slug });
    const coauthor = newPerson();
    const signUp = await request.post("/api/users", {
      data: { user: { email: coauthor.email, username: coauthor.username, password: coauthor.password } },
    });
    expect(signUp.status()).toBe(201);

    // The owner invites them by e-mail as an author.
    await signIn(page, owner);
    await page.goto(`/studio/${slug}/members`);
    await expect(page.getByRole("heading", { name: "Who can do what" })).toBeVisible();
    await page.getByLabel("E-mail").fill("nobody-here@example.test");
    await page.getByRole("button", { name: "Invite" }).click();
    await expect(page.getByText(/No Conduit account uses that e-mail/)).toBeVisible();
    await page.getByLabel("E-mail").fill(coauthor.email);
    await page.getByLabel("Role", { exact: true }).selectOption("author");
    await page.getByRole("button", { name: "Invite" }).click();
    await expect(page.getByText(`${coauthor.username} joined as author.`)).toBeVisible();
    await expect(page.getByRole("combobox", { name: `Role of ${coauthor.username}` })).toHaveValue("author");

    // The co-author finds the blog in their studio and publishes a post on it.
    const theirs = await browser.newContext();
    const co = await theirs.newPage();
    await signIn(co, coauthor);
    await co.goto("/studio");
    await expect(co.getByText(`Team ${slug}`).first()).toBeVisible();
    await newDraft(co, slug, "Notes from the co-author", "Written by the new member of the team.");
    await publishNow(co);
    await co.goto(`/studio/${slug}/members`);
    await expect(co.getByText(`${owner.username}`).first()).toBeVisible({ timeout: 60_000 });
    await expect(co.getByRole("button", { name: "Invite" })).toHaveCount(0);

    await page.goto(siteUrl(slug, "/notes-from-the-co-author"));
    await expect(page.getByRole("heading", { level: 1, name: "Notes from the co-author" })).toBeVisible();
    await expect(page.locator(".byline")).toContainText(coauthor.username);

    // The owner removes them: the post stays with its byline; their studio no longer opens.
    await page.goto(`/studio/${slug}/members`);
    await page.getByRole("button", { name: `Remove ${coauthor.username}` }).click();
    await page.getByRole("button", { name: "Remove", exact: true }).click();
    await expect(page.getByText(`${coauthor.username} was removed. Their posts stay.`)).toBeVisible();
    const gone = await co.goto(`/studio/${slug}`);
    expect(gone?.status()).toBe(404);
    await page.goto(siteUrl(slug, "/notes-from-the-co-author"));
    await expect(page.locator(".byline")).toContainText(coauthor.username);
    await theirs.close();
  });
});
