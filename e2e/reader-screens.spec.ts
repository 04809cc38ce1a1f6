import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { code, doc, heading, image, para, publishPost, text, withWriter } from "./reader-support";
import { createBlogViaApi, siteUrl, unique } from "./support";

/**
 * Screenshots of every theme's home and post page at 1280 and 390 px, light and dark, into
 * /work/screens/reader (or READER_SCREENS_DIR). Run on demand: `READER_SCREENS=1 npx playwright
 * test e2e/reader-screens.spec.ts`; skipped otherwise, as it is for people to look at.
 */
test.skip(!process.env.READER_SCREENS, "screenshots on demand (READER_SCREENS=1)");

const OUT = process.env.READER_SCREENS_DIR || "/work/screens/reader";
const THEMES = [
  { theme: "classic" as const, name: "The Slow Harbour", hue: [154, 66, 22] },
  { theme: "minimal" as const, name: "Quiet Systems", hue: [40, 40, 40] },
  { theme: "bold" as const, name: "LOUD KITCHEN", hue: [228, 87, 46] },
];

let images: Server;
let imageBase = "";

test.beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // Cover and inline images: soft gradients made here (the network is closed).
  images = createServer(async (req, res) => {
    const m = /^\/(\d+)-(\d+)-(\d+)\.png$/.exec(req.url ?? "");
    const [r, g, b] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [120, 120, 120];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675"><defs><linearGradient id="a" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="rgb(${r},${g},${b})"/><stop offset="1" stop-color="rgb(${Math.min(255, r + 90)},${Math.min(255, g + 110)},${Math.min(255, b + 130)})"/></linearGradient></defs><rect width="1200" height="675" fill="url(#a)"/><circle cx="880" cy="240" r="140" fill="rgba(255,255,255,0.35)"/><path d="M0 520 Q 300 420 600 520 T 1200 500 V675 H0Z" fill="rgba(255,255,255,0.25)"/></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    res.writeHead(200, { "content-type": "image/png", "cache-control": "max-age=3600" });
    res.end(png);
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});

test.afterAll(() => {
  images?.close();
});

const lorem = [
  "The first thing you notice is the quiet. Not silence exactly — the water still knocks against the hulls and a gull argues with the wind — but the absence of hurry.",
  "I came here to write about tides and ended up writing about patience. The sea keeps a schedule it never explains, and the people who live beside it learn to keep it too.",
  "What follows are notes from a season of watching: what the charts say, what the fishermen say, and what the water actually did.",
];

for (const t of THEMES) {
  test(`screenshots: ${t.theme}`, async ({ browser, request }) => {
    test.setTimeout(240_000);
    const slug = unique(t.theme);
    await createBlogViaApi(request, { name: t.name, slug, theme: t.theme });
    await withWriter(slug, async ({ db, tenant }) => {
      await db.forTenant(tenant).settings.updateOne(
        { _id: "blog" },
        {
          $set: {
            description: "Essays on slow craft, careful work and the sea — a new piece every week.",
            navigation: [
              { label: "About", url: "/about" },
              { label: "Newsletter", url: "https://example.com/newsletter" },
            ],
          },
        },
      );
    });
    const [r = 0, g = 0, b = 0] = t.hue;
    const titles = [
      "Reading the tide tables",
      "A field guide to harbour fog",
      "What the lighthouse keeper knew",
      "Knots, and the people who tie them",
      "Winter maintenance for small boats",
      "The economics of a fishing village",
    ];
    let main = { id: "", slug: "" };
    for (const [i, title] of titles.entries()) {
      const p = await publishPost(slug, {
        title,
        tags:
          [["sea", "how-to"], ["weather"], ["history", "people"], ["craft"], ["boats", "how-to"], ["people"]][
            i
          ] ?? [],
        featured: i === 1 || i === 3 || i === 4,
        content: doc(
          para(text(lorem[i % 3] ?? "")),
          para(text(lorem[(i + 1) % 3] ?? "")),
          heading(2, "How the water moves"),
          para(
            text(lorem[(i + 2) % 3] ?? ""),
            text(" "),
            text("Read the almanac", [{ type: "link", attrs: { href: "https://example.com/almanac" } }]),
            text(" for the full tables."),
          ),
          image(`${imageBase}/${r}-${g}-${b}.png`, "Morning light over the harbour"),
          para(text(lorem[i % 3] ?? "")),
          heading(3, "A small program"),
          code(
            "ts",
            "// The next high water, about 12 h 25 min later\nexport function nextHighWater(previous: Date): Date {\n  return new Date(previous.getTime() + 12.42 * 3_600_000);\n}",
          ),
          {
            type: "blockquote",
            content: [
              para(text("The sea does not reward those who are too anxious, too greedy, or too impatient.")),
            ],
          },
          para(text(lorem[(i + 1) % 3] ?? "")),
        ),
      });
      if (i === 0) main = p;
      await withWriter(slug, async ({ posts, tenant, actor }) => {
        const current = await posts.getForEditor(tenant, actor, p.id);
        await posts.save(tenant, actor, p.id, {
          baseVersion: current.version,
          coverUrl: `${imageBase}/${(r + i * 30) % 255}-${g}-${b}.png`,
          coverAlt: "",
        });
      });
    }
    await withWriter(slug, async ({ db, tenant }) => {
      const users = await db.master().users.find({}).limit(2).toArray();
      const postId = (await db.forTenant(tenant).posts.findOne({ slug: main.slug }))?._id;
      if (!postId || !users[0]) return;
      const first = await db.forTenant(tenant).comments.insertOne({
        _id: new (await import("mongodb")).ObjectId(),
        postId,
        parentId: null,
        authorId: users[0]._id,
        body: "This is the clearest explanation of the twice-daily tide I have read. The bit about the moon finally clicked — thank you! More here: https://example.com/tides",
        hidden: false,
        editedAt: null,
        deletedAt: null,
        createdAt: new Date(Date.now() - 3_600_000),
      });
      await db.forTenant(tenant).comments.insertOne({
        _id: new (await import("mongodb")).ObjectId(),
        postId,
        parentId: first.insertedId,
        authorId: (users[1] ?? users[0])._id,
        body: "Agreed. I printed the little program and taped it inside the chart locker.",
        hidden: false,
        editedAt: null,
        deletedAt: null,
        createdAt: new Date(),
      });
      await db.forTenant(tenant).posts.updateOne({ _id: postId }, { $set: { "metrics.comments": 2 } });
    });
    // The comments above were written straight to the database: publish once more to purge.
    await withWriter(slug, async ({ posts, tenant, actor }) => {
      const current = await posts.getForEditor(tenant, actor, main.id);
      await posts.save(tenant, actor, main.id, { baseVersion: current.version, excerpt: "" });
    });

    for (const mode of ["light", "dark"] as const) {
      for (const width of [1280, 390]) {
        const context = await browser.newContext({
          viewport: { width, height: width > 500 ? 900 : 844 },
          colorScheme: mode,
        });
        const page = await context.newPage();
        await page.goto(siteUrl(slug));
        await expect(page.locator("html")).toHaveAttribute("data-reader-ready", "1");
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: `${OUT}/${t.theme}-home-${width}-${mode}.png`, fullPage: true });
        await page.goto(siteUrl(slug, `/${main.slug}`));
        await expect(page.locator("html")).toHaveAttribute("data-reader-ready", "1");
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: `${OUT}/${t.theme}-post-${width}-${mode}.png`, fullPage: true });
        await context.close();
      }
    }
  });
}
