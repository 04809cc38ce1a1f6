import { expect, test } from "@playwright/test";
import { editorBody, makeJpeg, newDraft, publishNow, waitSaved, writeFile } from "./media-support";
import { createBlogViaApi, signIn, siteUrl, unique } from "./support";

test.describe("images in posts", () => {
  // Uploads, resizing, publishing and the reader site in one flow: longer than the default budget.
  test.describe.configure({ timeout: 420_000 });

  test("uploads an image into a post with progress, alt text and caption; readers get responsive sizes", async ({
    page,
    request,
  }) => {
    const slug = unique("img");
    const person = await createBlogViaApi(request, { name: `Images ${slug}`, slug });
    const photo = makeJpeg("harbour.jpg", 2400, 1600);
    await signIn(page, person);
    await newDraft(page, slug, "A morning at the harbour", "The boats came in early.");

    // Insert → Image, type alt and caption, upload a file.
    await editorBody(page).press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("/image");
    await page.getByRole("option", { name: /Image/ }).click();
    const dialog = page.getByRole("dialog", { name: "Insert an image" });
    await dialog.getByLabel("Alt text").fill("Fishing boats at dawn");
    await dialog.getByLabel("Caption").fill("Harbour, 6 a.m.");
    await dialog.getByLabel("Or upload a file").setInputFiles(photo);

    // Progress is shown while the file goes to storage and while the sizes are made.
    const progress = page.getByRole("progressbar", { name: "Uploading harbour.jpg" });
    await expect(progress).toBeVisible();
    await expect(dialog).toBeHidden({ timeout: 60_000 });
    const inserted = editorBody(page).locator("img[src*='/media/']");
    await expect(inserted).toHaveAttribute("alt", "Fishing boats at dawn");
    await expect(editorBody(page).getByText("Harbour, 6 a.m.")).toBeVisible();
    await waitSaved(page);
    await publishNow(page);

    await page.goto(siteUrl(slug, "/a-morning-at-the-harbour"));
    const img = page.locator("figure.post-image img");
    await expect(img).toHaveAttribute("alt", "Fishing boats at dawn");
    await expect(img).toHaveAttribute("srcset", /w320\.webp 320w, .*w1920\.webp 1920w/);
    await expect(img).toHaveAttribute("sizes", /42rem/);
    await expect(page.locator("figure.post-image figcaption")).toHaveText("Harbour, 6 a.m.");
    await img.scrollIntoViewIfNeeded();
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
      .toBeGreaterThan(0);

    // Served with year-long immutable caching.
    const src = await img.getAttribute("src");
    const res = await request.get(src!);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/webp");
    expect(res.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");

    // The library now lists it as used, and refuses to delete it.
    await page.goto(`/studio/${slug}/media`);
    await expect(page.getByText("harbour.jpg")).toBeVisible();
    await expect(page.getByText("Used in 1")).toBeVisible();
    await expect(page.getByRole("button", { name: "Delete harbour.jpg" })).toHaveCount(0);
  });

  test("pastes and drops images into the editor; sets a cover by upload", async ({ page, request }) => {
    const slug = unique("paste");
    const person = await createBlogViaApi(request, { name: `Paste ${slug}`, slug });
    const photo = makeJpeg("pasted.jpg", 900, 600);
    await signIn(page, person);
    await newDraft(page, slug, "Pasted pictures", "Look at this.");

    const bytes = [...(await import("node:fs")).readFileSync(photo)];
    await editorBody(page).evaluate((el, data) => {
      const file = new File([new Uint8Array(data)], "pasted.jpg", { type: "image/jpeg" });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      el.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    }, bytes);
    await expect(editorBody(page).locator("img[src*='/media/']")).toHaveCount(1, { timeout: 60_000 });

    // Drop: a DataTransfer made in the page, dispatched where the first paragraph is (the cursor
    // back in the text first, as a person's click would put it).
    await editorBody(page).locator("p").first().click();
    await page.keyboard.press("End");
    const dropped = await page.evaluateHandle((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], "dropped.jpg", { type: "image/jpeg" }));
      return transfer;
    }, bytes);
    const box = (await editorBody(page).locator("p").first().boundingBox())!;
    await editorBody(page).dispatchEvent("drop", {
      dataTransfer: dropped,
      clientX: box.x + box.width / 2,
      clientY: box.y + box.height / 2,
    });
    await expect(editorBody(page).locator("img[src*='/media/']")).toHaveCount(2, { timeout: 60_000 });
    await waitSaved(page);

    // Cover: post settings › Upload cover image.
    await page
      .getByRole("button", { name: /Post settings|Settings/ })
      .first()
      .click();
    await page.getByTestId("cover-file-input").setInputFiles(photo);
    await expect(page.getByLabel("Cover image", { exact: true })).toHaveValue(/\/media\/.*\.webp$/, {
      timeout: 60_000,
    });
    await waitSaved(page);

    // A file that is not an image is refused with a sentence, not uploaded.
    const fake = writeFile("notes.txt", "just text");
    await page.keyboard.press("Escape");
    await editorBody(page).press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("/image");
    await page.getByRole("option", { name: /Image/ }).click();
    await page
      .getByRole("dialog", { name: "Insert an image" })
      .getByLabel("Or upload a file")
      .setInputFiles(fake);
    await expect(page.getByText(/isn't a JPEG, PNG, WebP, GIF or AVIF image/).first()).toBeVisible();
  });
});
