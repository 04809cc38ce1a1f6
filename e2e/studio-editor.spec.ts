import { expect as baseExpect, type Page, test } from "@playwright/test";
import { createBlogViaApi, signIn, unique } from "./support";

// Pages that carry the editor take long to become interactive on two shared, busy cores.
const expect = baseExpect.configure({ timeout: 45_000 });

/** A new blog and its owner, signed in, on a fresh draft in the editor. Returns the editor URL. */
async function openNewDraft(page: Page, request: Parameters<typeof createBlogViaApi>[0]) {
  const slug = unique("ed");
  const person = await createBlogViaApi(request, { name: `Editor ${slug}`, slug });
  await signIn(page, person);
  await page.goto(`/studio/${slug}/posts`);
  await page.getByRole("button", { name: "New post" }).click();
  await expect(page).toHaveURL(new RegExp(`/studio/${slug}/posts/[0-9a-f]{24}$`), { timeout: 60_000 });
  await expect(body(page)).toBeVisible({ timeout: 30_000 });
  return { slug, url: page.url() };
}

const body = (page: Page) => page.getByRole("textbox", { name: "Post body" });
const saveState = (page: Page) => page.locator("[data-save-state]");

/** Waits for changes to be sent and acknowledged: leaves "Saved", then comes back to it. */
async function expectSaved(page: Page) {
  await expect(saveState(page)).toHaveAttribute("data-save-state", "saved", { timeout: 20_000 });
  await expect(saveState(page)).toHaveText("Saved");
}

async function typeInBody(page: Page, text: string) {
  await body(page).click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.insertText(text);
  await expect(saveState(page)).not.toHaveAttribute("data-save-state", "saved");
}

test.describe("studio editor", () => {
  // Two shared cores and a production server: the editor bundle can take a while to arrive.
  test.describe.configure({ timeout: 300_000 });

  test("writes a post with a heading, a list, a code block and an image; it survives a reload", async ({
    page,
    request,
  }) => {
    await openNewDraft(page, request);
    await page.getByLabel("Title").fill("My first real post");
    await body(page).click();
    // Markdown shortcuts are typed key by key; plain text is inserted (a loaded CI types slowly).
    await page.keyboard.type("## ");
    await page.keyboard.insertText("Getting started");
    await page.keyboard.press("Enter");
    await page.keyboard.insertText("Some opening words.");
    await page.keyboard.press("Enter");
    await page.keyboard.type("- ");
    await page.keyboard.insertText("first item");
    await page.keyboard.press("Enter");
    await page.keyboard.insertText("second item");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.type("```js ");
    await page.keyboard.insertText("const answer = 42;");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    // An image through the slash menu, by URL.
    await page.keyboard.type("/ima");
    await expect(page.getByRole("option", { name: /Image/ })).toBeVisible();
    await page.keyboard.press("Enter");
    await page.getByLabel("Image address").fill("/icon.svg");
    await page.getByLabel("Alt text").fill("The Conduit logo");
    await page.getByRole("button", { name: "Insert image" }).click();
    await expectSaved(page);
    await expect(page.getByText(/\d+ words · 1 min read/).first()).toBeVisible();

    await page.reload();
    await expect(page.getByLabel("Title")).toHaveValue("My first real post");
    await expect(body(page).getByRole("heading", { level: 2, name: "Getting started" })).toBeVisible();
    await expect(body(page).locator("ul li")).toHaveText(["first item", "second item"]);
    await expect(body(page).locator("pre code")).toContainText("const answer = 42;");
    await expect(body(page).getByRole("img", { name: "The Conduit logo" })).toBeVisible();
    await expect(saveState(page)).toHaveText("Saved");
  });

  test("keeps typing done offline and saves it when the connection comes back", async ({ page, request }) => {
    await openNewDraft(page, request);
    await page.getByLabel("Title").fill("Written on a train");
    await typeInBody(page, "Before the tunnel.");
    await expectSaved(page);

    await page.context().setOffline(true);
    await page.keyboard.press("Enter");
    await page.keyboard.insertText("Typed inside the tunnel.");
    await expect(saveState(page)).toHaveText("Offline — retrying", { timeout: 20_000 });

    await page.context().setOffline(false);
    await expectSaved(page);
    await page.reload();
    await expect(body(page)).toContainText("Before the tunnel.");
    await expect(body(page)).toContainText("Typed inside the tunnel.");
  });

  test("keeps offline typing across a reload and saves it once back online", async ({ page, request }) => {
    // Leaving with unsent changes asks "leave site?": accept, as a person reloading would.
    page.on("dialog", (d) => void d.accept());
    await openNewDraft(page, request);
    await typeInBody(page, "Saved part.");
    await expectSaved(page);
    await page.context().setOffline(true);
    await page.keyboard.insertText(" Unsent part.");
    await expect(saveState(page)).toHaveText("Offline — retrying", { timeout: 20_000 });
    await page.context().setOffline(false);
    // Reload before the retry lands: the local copy brings the text back and saves it.
    await page.reload();
    await expect(body(page)).toContainText("Saved part. Unsent part.");
    await expectSaved(page);
    await page.reload();
    await expect(body(page)).toContainText("Saved part. Unsent part.");
  });

  test("shows both versions when the post was saved in another tab and merges them", async ({
    page,
    request,
    context,
  }) => {
    const { url } = await openNewDraft(page, request);
    await typeInBody(page, "Shared opening.");
    await expectSaved(page);

    const other = await context.newPage();
    await other.goto(url);
    await expect(body(other)).toContainText("Shared opening.");
    await typeInBody(other, " Line from the second tab.");
    await expectSaved(other);

    // The first tab still edits the older version: its save is a conflict, not an overwrite.
    await typeInBody(page, " Line from the first tab.");
    const conflict = page.getByRole("dialog", { name: "This post was changed somewhere else" });
    await expect(conflict).toBeVisible({ timeout: 20_000 });
    await expect(saveState(page)).toHaveText("Conflict");
    await expect(conflict.getByRole("region", { name: "Your version" })).toContainText(
      "Line from the first tab.",
    );
    await expect(conflict.getByRole("region", { name: "Saved version" })).toContainText(
      "Line from the second tab.",
    );
    await conflict.getByRole("button", { name: "Merge both" }).click();
    await expect(conflict).toBeHidden();
    await expectSaved(page);

    await other.reload();
    await expect(body(other)).toContainText("Line from the second tab.");
    await expect(body(other)).toContainText("Line from the first tab.");
  });

  test("restores an earlier revision", async ({ page, request }) => {
    await openNewDraft(page, request);
    await page.getByLabel("Title").fill("A post with history");
    await typeInBody(page, "The original wording.");
    await expectSaved(page);
    // Publishing records a revision of its own.
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByRole("button", { name: "Publish now" }).click();
    await expect(page.getByText("Published. It's live on your blog.")).toBeVisible();

    await body(page).click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText("A rewrite I regret.");
    await expectSaved(page);

    await page.getByRole("button", { name: "Revisions" }).click();
    const panel = page.getByRole("dialog", { name: "Revisions" });
    await panel.getByRole("button", { name: /Published/ }).click();
    await expect(panel.getByText("Changes since this revision")).toBeVisible();
    await expect(panel.locator("ins")).toContainText("original wording");
    await panel.getByRole("button", { name: "Restore this version" }).click();
    await expect(page.getByText(/^Restored\./)).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(body(page)).toContainText("The original wording.");
    await expect(body(page)).not.toContainText("regret");

    await page.reload();
    await expect(body(page)).toContainText("The original wording.");
    await page.getByRole("button", { name: "Revisions" }).click();
    await expect(page.getByRole("dialog", { name: "Revisions" }).getByText("Current")).toBeVisible();
  });
});
