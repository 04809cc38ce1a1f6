import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

const dir = mkdtempSync(path.join(tmpdir(), "conduit-e2e-images-"));

/**
 * A real photo-like JPEG made with sharp in a child process (the Playwright runner loads specs as
 * CommonJS; sharp stays out of it). Noise makes it large enough that upload progress is visible.
 */
export function makeJpeg(name: string, width: number, height: number): string {
  const file = path.join(dir, name);
  const script = `
    const sharp = require("sharp");
    const w = ${width}, h = ${height};
    const raw = Buffer.alloc(w * h * 3);
    let seed = 7;
    for (let i = 0; i < raw.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; raw[i] = ((i / 3) % w) / w * 200 + (seed % 56); }
    sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(${JSON.stringify(file)}).then(() => process.exit(0));
  `;
  execFileSync(process.execPath, ["-e", script], { stdio: "inherit" });
  return file;
}

export function writeFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

export const editorBody = (page: Page) => page.getByRole("textbox", { name: "Post body" });
const saveState = (page: Page) => page.locator("[data-save-state]");

/** A new draft with a title and a first paragraph, saved. */
export async function newDraft(page: Page, slug: string, title: string, text: string): Promise<void> {
  await page.goto(`/studio/${slug}/posts`);
  await page.getByRole("button", { name: "New post" }).click();
  // Creating the post is one save; on a busy machine it can take a while.
  await expect(editorBody(page)).toBeVisible({ timeout: 60_000 });
  await page.getByLabel("Title").fill(title);
  await editorBody(page).click();
  await page.keyboard.type(text);
  await expect(saveState(page)).toHaveAttribute("data-save-state", "saved", { timeout: 20_000 });
}

export async function waitSaved(page: Page): Promise<void> {
  await expect(saveState(page))
    .not.toHaveAttribute("data-save-state", "saved", { timeout: 5_000 })
    .catch(() => {});
  await expect(saveState(page)).toHaveAttribute("data-save-state", "saved", { timeout: 30_000 });
}

export async function publishNow(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.getByRole("button", { name: "Publish now" }).click();
  await expect(page.getByText("Published. It's live on your blog.")).toBeVisible({ timeout: 30_000 });
}
