import { expect as baseExpect, type Page, test } from "@playwright/test";
import { createBlogViaApi, newPerson, signIn, signUp, siteUrl, unique } from "./support";

// Pages that carry the editor take long to become interactive on two shared, busy cores.
const expect = baseExpect.configure({ timeout: 45_000 });

const body = (page: Page) => page.getByRole("textbox", { name: "Post body" });
const saveState = (page: Page) => page.locator("[data-save-state]");

async function writeDraft(page: Page, slug: string, title: string, text: string) {
  await page.goto(`/studio/${slug}/posts`);
  await page.getByRole("button", { name: "New post" }).click();
  await expect(page).toHaveURL(/\/posts\/[0-9a-f]{24}$/, { timeout: 60_000 });
  await expect(body(page)).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Title").fill(title);
  await body(page).click();
  await page.keyboard.insertText(text);
  await expect(saveState(page)).not.toHaveAttribute("data-save-state", "saved");
  await expect(saveState(page)).toHaveAttribute("data-save-state", "saved", { timeout: 20_000 });
}

test.describe("publishing from the studio", () => {
  test.describe.configure({ timeout: 300_000 });

  test("a new user signs up, creates a blog, writes a first post and reads it on the subdomain", async ({
    page,
    context,
  }) => {
    // Everything through the pages a newcomer sees: no API shortcuts.
    const slug = unique("first");
    await signUp(page, newPerson());
    await expect(page).toHaveURL(/\/new$/);
    await page.getByLabel("Blog name").fill(`First steps ${slug.slice(-6)}`);
    await page.getByLabel("Address").fill(slug);
    await expect(page.locator("#slug-status")).toHaveText(/Available/);
    await page.getByRole("button", { name: "Create blog" }).click();
    await expect(page).toHaveURL(new RegExp(`/studio/${slug}$`), { timeout: 60_000 });
    await page.getByRole("button", { name: "Start writing" }).click();
    await expect(page).toHaveURL(new RegExp(`/studio/${slug}/posts/[0-9a-f]{24}$`), { timeout: 60_000 });
    await expect(body(page)).toBeVisible({ timeout: 30_000 });
    await page.getByLabel("Title").fill("My very first post");
    await body(page).click();
    await page.keyboard.type("## ");
    await page.keyboard.insertText("Why I write");
    await page.keyboard.press("Enter");
    await page.keyboard.insertText("Because the studio makes it easy.");
    await expect(saveState(page)).toHaveAttribute("data-save-state", "saved", { timeout: 20_000 });

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByRole("button", { name: "Publish now" }).click();
    await expect(page.getByText("Published. It's live on your blog.")).toBeVisible();
    const [reader] = await Promise.all([
      context.waitForEvent("page"),
      page.getByRole("link", { name: /View post/ }).click(),
    ]);
    await reader.waitForLoadState();
    await expect(reader).toHaveURL(siteUrl(slug, "/my-very-first-post"));
    await expect(reader.getByRole("heading", { level: 1, name: "My very first post" })).toBeVisible();
    await expect(reader.getByRole("heading", { level: 2, name: "Why I write" })).toBeVisible();
    await expect(reader.getByText("Because the studio makes it easy.")).toBeVisible();
    await reader.goto(siteUrl(slug));
    await expect(reader.getByRole("link", { name: /My very first post/ }).first()).toBeVisible();
  });

  test("publishes a post and readers see it on the blog's subdomain", async ({ page, request }) => {
    const slug = unique("pub");
    const person = await createBlogViaApi(request, { name: `Pub ${slug}`, slug });
    await signIn(page, person);
    await writeDraft(page, slug, "Hello from the editor", "These words were typed in the studio.");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByRole("button", { name: "Publish now" }).click();
    await expect(page.getByText("Published. It's live on your blog.")).toBeVisible();

    await page.goto(siteUrl(slug, "/hello-from-the-editor"));
    await expect(page.getByRole("heading", { level: 1, name: "Hello from the editor" })).toBeVisible();
    await expect(page.getByText("These words were typed in the studio.")).toBeVisible();
    await page.goto(siteUrl(slug));
    await expect(page.getByText("Hello from the editor").first()).toBeVisible();
  });

  test("schedules a post for later; it is not on the blog yet", async ({ page, request }) => {
    const slug = unique("sch");
    const person = await createBlogViaApi(request, { name: `Sched ${slug}`, slug });
    await signIn(page, person);
    await writeDraft(page, slug, "Coming tomorrow", "Not yet, readers.");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Schedule for later").click();
    await expect(dialog.locator('input[type="datetime-local"]')).toBeVisible();
    await expect(dialog.getByText(/Your time zone:/)).toBeVisible();
    await dialog.getByRole("button", { name: "Schedule" }).click();
    await expect(page.getByText(/^Scheduled for /)).toBeVisible();
    await expect(page.getByText(/^Goes live /)).toBeVisible();

    await page.goto(`/studio/${slug}/posts`);
    await page.getByRole("button", { name: /Scheduled/ }).click();
    await expect(page.getByRole("link", { name: /Coming tomorrow/ })).toBeVisible();

    // Through the browser: it resolves every *.localhost to loopback (Node's resolver does not).
    const post = await page.goto(siteUrl(slug, "/coming-tomorrow"));
    expect(post?.status()).toBe(404);
    await page.goto(siteUrl(slug));
    await expect(page.getByText("Coming tomorrow")).toHaveCount(0);
  });

  test("lists posts with counts, search and bulk archive", async ({ page, request }) => {
    const slug = unique("lst");
    const person = await createBlogViaApi(request, { name: `List ${slug}`, slug });
    await signIn(page, person);
    await page.goto(`/studio/${slug}/posts`);
    await expect(page.getByText("Write your first post")).toBeVisible();
    await expect(page.getByText("Soon")).toHaveCount(0);
    await writeDraft(page, slug, "Apples in autumn", "Crisp.");
    await writeDraft(page, slug, "Pears in winter", "Soft.");
    await page.goto(`/studio/${slug}/posts`);
    await expect(page.getByRole("button", { name: /Drafts\s*2/ })).toBeVisible();
    await page.getByRole("searchbox", { name: /Search posts/ }).fill("apple");
    await expect(page.getByRole("link", { name: /Pears in winter/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: /Apples in autumn/ })).toBeVisible();
    await page.getByRole("searchbox", { name: /Search posts/ }).fill("");
    await page.getByRole("checkbox", { name: "Select all 2" }).check();
    await page.getByRole("button", { name: "Archive", exact: true }).click();
    await expect(page.getByText("2 items archived.")).toBeVisible();
    await expect(page.getByRole("button", { name: /Archived\s*2/ })).toBeVisible();
  });
});
