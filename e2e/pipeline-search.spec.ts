import { expect, type Page, test } from "@playwright/test";
import { createBlogViaApi, signIn, unique } from "./support";

const body = (page: Page) => page.getByRole("textbox", { name: "Post body" });
const saveState = (page: Page) => page.locator("[data-save-state]");

const CAT_POST =
  "My two tabbies nap on the sofa from morning until dusk. Then they chase string, climb the bookshelf and purr on my lap at night. Kittens need play and a warm bed.";

test.describe("content pipeline in the browser", () => {
  test.describe.configure({ timeout: 300_000 });

  test("publish in the studio, the chips turn green, a paraphrase finds the post on the search page", async ({
    page,
    request,
  }) => {
    const slug = unique("pipe");
    const person = await createBlogViaApi(request, { name: `Pipeline ${slug}`, slug });
    await signIn(page, person);

    await page.goto(`/studio/${slug}/posts`);
    await page.getByRole("button", { name: "New post" }).click();
    await expect(page).toHaveURL(/\/posts\/[0-9a-f]{24}$/, { timeout: 60_000 });
    await expect(body(page)).toBeVisible({ timeout: 30_000 });
    await page.getByLabel("Title").fill("Why my cats sleep all day");
    await body(page).click();
    await page.keyboard.type(CAT_POST);
    await expect(saveState(page)).toHaveAttribute("data-save-state", "saved", { timeout: 30_000 });
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByRole("button", { name: "Publish now" }).click();
    await expect(page.getByText("Published. It's live on your blog.")).toBeVisible();

    // The editor's settings panel follows the published post through the pipeline, live.
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Post settings" }).click();
    const panelChips = page.getByRole("region", { name: "Pipeline" }).getByTestId("pipeline-chips");
    await expect(panelChips.locator('[data-step="saved"]')).toHaveAttribute("data-state", "done", {
      timeout: 30_000,
    });
    await expect(panelChips.locator('[data-step="searchable"]')).toHaveAttribute("data-state", "done", {
      timeout: 120_000,
    });

    // The posts list shows the pipeline chips; they turn green live, step by step.
    await page.goto(`/studio/${slug}/posts`);
    const chips = page.getByTestId("pipeline-chips").first();
    await expect(chips).toBeVisible({ timeout: 30_000 });
    await expect(chips.locator('[data-step="saved"]')).toHaveAttribute("data-state", "done");
    await expect(chips.locator('[data-step="searchable"]')).toHaveAttribute("data-state", "done", {
      timeout: 120_000,
    });
    for (const step of ["feed", "sent", "enriched"]) {
      await expect(chips.locator(`[data-step="${step}"]`)).toHaveAttribute("data-state", "done");
    }
    await expect(chips).toHaveAttribute("data-settled", "true");

    // Search by meaning, with none of the post's words.
    await page.goto(`/search?q=${encodeURIComponent("feline companions")}&mode=semantic`);
    const results = page.getByTestId("search-results");
    await expect(results.getByRole("link", { name: "Why my cats sleep all day" })).toBeVisible();
    await expect(results.getByTestId("result-summary").first()).toContainText("tabbies");
    // …which the exact-words mode cannot find.
    await page.getByRole("link", { name: "Exact words" }).click();
    await expect(page.getByText("Nothing matches “feline companions”")).toBeVisible();

    // A key concept of the post has its page across blogs.
    await page.goto(`/search?q=${encodeURIComponent("tabbies sofa")}`);
    const concept = page.getByRole("list", { name: "Key concepts" }).first().getByRole("link").first();
    const name = (await concept.textContent())?.trim() ?? "";
    await concept.click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      new RegExp(name.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&"), "i"),
    );
    await expect(
      page.getByTestId("concept-results").getByRole("link", { name: "Why my cats sleep all day" }),
    ).toBeVisible();
  });

  test("the search API answers the contract and refuses a bad mode", async ({ request }) => {
    const ok = await request.get("/api/search?q=cats&mode=keyword");
    expect(ok.status()).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ items: expect.any(Array), took: expect.any(Number) });
    const bad = await request.get("/api/search?q=cats&mode=fuzzy");
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.message).toEqual(expect.any(String));
  });
});
