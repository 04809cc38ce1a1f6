import { parseDocument } from "htmlparser2";
import Parser from "rss-parser";
import { afterEach, describe, expect, it } from "vitest";
import { MODE_SCRIPT } from "@/components/reader/html/layout";
import { createUser } from "@/test/support/services";
import { doc, para, readerFixture, text } from "../testing";

/**
 * Script payloads in every field a reader page shows — title, excerpt, body, tag, author name and
 * bio, blog name, description, navigation, logo, comments, search query — must come out as text:
 * no script element we did not write, no event-handler attribute, no javascript: URL.
 */
const PAYLOAD = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"'><svg onload=alert(1)>`;
const JS_URL = "javascript:window.__pwned=3";

interface Found {
  scripts: { attrs: Record<string, string>; text: string }[];
  handlers: string[];
  jsUrls: string[];
  text: string;
}

function inspect(html: string): Found {
  const root = parseDocument(html);
  const found: Found = { scripts: [], handlers: [], jsUrls: [], text: "" };
  const walk = (node: any) => {
    if (node.type === "text") found.text += node.data;
    if (node.type === "tag" || node.type === "script" || node.type === "style") {
      const attrs = node.attribs as Record<string, string>;
      for (const [name, value] of Object.entries(attrs)) {
        if (/^on/i.test(name)) found.handlers.push(`${node.name} ${name}=${value}`);
        if (
          /^(href|src|action|content|srcset|poster|data)$/i.test(name) &&
          /^\s*(javascript|vbscript|data:text)/i.test(value)
        ) {
          found.jsUrls.push(`${node.name} ${name}=${value}`);
        }
      }
      if (node.name === "script") {
        found.scripts.push({ attrs, text: (node.children ?? []).map((c: any) => c.data ?? "").join("") });
      }
      if (node.name === "svg" || node.name === "iframe" || node.name === "object" || node.name === "embed") {
        // Our own icons are inline SVG without handlers; anything else of these would be foreign.
        if (node.name !== "svg") found.handlers.push(`foreign <${node.name}>`);
      }
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(root);
  return found;
}

function expectSafe(html: string, where: string): Found {
  const found = inspect(html);
  expect(found.handlers, `${where}: event handlers`).toEqual([]);
  expect(found.jsUrls, `${where}: javascript URLs`).toEqual([]);
  for (const s of found.scripts) {
    const ok =
      (s.attrs.src?.startsWith("/assets/reader-") && s.text === "") ||
      s.attrs.type === "application/ld+json" ||
      (Object.keys(s.attrs).length === 0 && s.text === MODE_SCRIPT);
    expect(ok, `${where}: unexpected script ${JSON.stringify(s)}`).toBe(true);
    if (s.attrs.type === "application/ld+json") expect(() => JSON.parse(s.text)).not.toThrow();
  }
  return found;
}

const fixtures: Awaited<ReturnType<typeof readerFixture>>[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

describe("reader pages with script payloads in every field", () => {
  it("shows every payload as text on every page, feed and API answer", async () => {
    const f = await readerFixture();
    fixtures.push(f);
    const tenant = await f.blog("payloads", "classic", "Payloads");
    await f.settings(tenant, {
      title: `Blog ${PAYLOAD}`,
      description: `About ${PAYLOAD}`,
      logoUrl: JS_URL,
      navigation: [
        { label: `Nav ${PAYLOAD}`, url: JS_URL },
        { label: "ok", url: "https://example.com/" },
      ],
    });
    const evil = await createUser(f.services, "evil");
    await f.db
      .master()
      .users.updateOne(
        { _id: evil.user._id },
        { $set: { name: `Name ${PAYLOAD}`, bio: `Bio ${PAYLOAD}`, image: JS_URL } },
      );
    const p = await f.post(tenant, {
      slug: "story",
      title: `Title ${PAYLOAD}`,
      excerpt: `Excerpt ${PAYLOAD}`,
      customExcerpt: true,
      tags: [`tag${PAYLOAD}`],
      coverUrl: JS_URL,
      coverAlt: `Alt ${PAYLOAD}`,
      authorIds: [evil.user._id],
      // The body goes through the shared renderer exactly as a save does.
      body: doc(
        para(text(`Body ${PAYLOAD}`)),
        para(text("a link", [{ type: "link", attrs: { href: JS_URL } }])),
        { type: "image", attrs: { src: JS_URL, alt: `Img ${PAYLOAD}` } },
        { type: "codeBlock", attrs: { language: "html" }, content: [text(PAYLOAD)] },
      ),
    });
    const front = await f.front();
    const postId = p._id.toHexString();

    const answer = await front.api(
      "payloads",
      "comments",
      { postId, body: `Comment ${PAYLOAD} ${JS_URL} https://example.com/"onmouseover="alert(1)` },
      evil.token,
    );
    expect(answer.status).toBe(200);
    const list = JSON.parse(answer.body) as { html: string };
    expect(expectSafe(list.html, "comment API").text).toContain(`Comment ${PAYLOAD}`);

    const pages = [
      "/",
      "/story",
      `/tag/${encodeURIComponent(`tag${PAYLOAD}`)}`,
      `/author/${evil.user.username}`,
      "/archive",
      `/search?q=${encodeURIComponent(PAYLOAD)}`,
      `/nope${encodeURIComponent(PAYLOAD)}`,
    ];
    for (const path of pages) {
      const res = await front.get("payloads", path);
      expect([200, 404], path).toContain(res.status);
      const found = expectSafe(res.body, path);
      expect(found.text, path).toContain(PAYLOAD.slice(0, 20));
    }
    const post = inspect((await front.get("payloads", "/story")).body);
    for (const field of ["Title", "Excerpt", "Body", "Name", "Nav", "Comment"]) {
      expect(post.text, field).toContain(`${field} ${PAYLOAD}`);
    }
    expect(post.text).toContain(`#tag${PAYLOAD}`);
    const ld = post.scripts.find((s) => s.attrs.type === "application/ld+json");
    expect(JSON.parse(ld?.text ?? "{}").headline).toBe(`Title ${PAYLOAD}`);
    expect(ld?.text).not.toContain("</script");

    // Feeds escape titles (and carry the sanitized body); JSON Feed is valid JSON.
    // RSS carries titles as text (CDATA or escaped), so a feed reader shows the payload as text.
    const rss = await new Parser().parseString((await front.get("payloads", "/rss.xml")).body);
    expect(rss.items[0]?.title).toBe(`Title ${PAYLOAD}`);
    expectSafe(rss.items[0]?.["content:encoded"] ?? rss.items[0]?.content ?? "", "rss content");
    const json = JSON.parse((await front.get("payloads", "/feed.json")).body) as {
      items: { title: string; content_html: string }[];
    };
    expect(json.items[0]?.title).toBe(`Title ${PAYLOAD}`);
    expectSafe(json.items[0]?.content_html ?? "", "feed content");
  });
});
