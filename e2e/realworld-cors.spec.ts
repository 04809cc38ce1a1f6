import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { createBlogViaApi, siteUrl, unique } from "./support";

/**
 * A RealWorld front end on another origin, pointed at one blog's API: it signs in, publishes an
 * article (a preflighted request with a token), favourites it and lists the blog's articles as a
 * person sees them. What it wrote is then on the blog's reader site and in the network feed.
 */

const port = Number(process.env.CONDUIT_E2E_PORT);

/** The "other" front end: one static page whose script talks to `api` cross-origin. */
function frontEndPage(api: string, credentials: { email: string; password: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Elsewhere</title></head>
<body>
  <h1>Articles from another origin</h1>
  <p id="status">Loading…</p>
  <ul id="articles"></ul>
  <script>
    const API = ${JSON.stringify(api)};
    const send = async (method, path, token, body) => {
      const res = await fetch(API + path, {
        method,
        headers: {
          "Content-Type": "application/json",
          "X-Requested-With": "XMLHttpRequest",
          ...(token ? { Authorization: "Token " + token } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(method + " " + path + " → " + res.status);
      return res.json();
    };
    (async () => {
      const { user } = await send("POST", "/users/login", null, { user: ${JSON.stringify(credentials)} });
      const { article } = await send("POST", "/articles", user.token, {
        article: {
          title: "Written elsewhere",
          description: "Posted from a RealWorld front end on another origin",
          body: "Hello from **another origin**.",
          tagList: ["cors"],
        },
      });
      await send("POST", "/articles/" + article.slug + "/favorite", user.token);
      const { articles, articlesCount } = await send("GET", "/articles?limit=10", user.token);
      document.getElementById("status").textContent = articlesCount + " articles";
      const list = document.getElementById("articles");
      for (const a of articles) {
        const li = document.createElement("li");
        li.dataset.slug = a.slug;
        li.textContent = a.title + " — by " + a.author.username + " — ♥ " + a.favoritesCount + (a.favorited ? " (you)" : "");
        list.appendChild(li);
      }
    })().catch((e) => { document.getElementById("status").textContent = "Failed: " + e.message; });
  </script>
</body></html>`;
}

let elsewhere: Server | null = null;

test.afterEach(async () => {
  await new Promise<void>((resolve) => (elsewhere ? elsewhere.close(() => resolve()) : resolve()));
  elsewhere = null;
});

test("a front end on another origin lists and writes a blog's articles through its API", async ({
  page,
  request,
}) => {
  const slug = unique("rw");
  const owner = await createBlogViaApi(request, { name: "Cross Origin Blog", slug });
  const api = `http://${slug}.localhost:${port}/api`;

  // An article already on the blog, written through its API (Node does not resolve *.localhost:
  // the test's own calls name the blog in the Host header).
  const blogHost = { Host: `${slug}.localhost:${port}` };
  const login = await request.post(`http://127.0.0.1:${port}/api/users/login`, {
    headers: blogHost,
    data: { user: { email: owner.email, password: owner.password } },
  });
  const token = (await login.json()).user.token as string;
  const first = await request.post(`http://127.0.0.1:${port}/api/articles`, {
    headers: { ...blogHost, Authorization: `Token ${token}` },
    data: { article: { title: "Already here", description: "First", body: "The *first* one." } },
  });
  expect(first.status()).toBe(201);

  const html = frontEndPage(api, { email: owner.email, password: owner.password });
  elsewhere = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => elsewhere?.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;

  await page.goto(`${origin}/`);
  await expect(page.locator("#status")).toHaveText("2 articles");
  const items = page.locator("#articles li");
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveText(`Written elsewhere — by ${owner.username} — ♥ 1 (you)`);
  await expect(items.nth(1)).toHaveText(`Already here — by ${owner.username} — ♥ 0`);
  await expect(items.nth(0)).toHaveAttribute("data-slug", "written-elsewhere");
  // Those JSON POSTs with a token needed a preflight (the browser runs it unseen); the API's answer:
  const preflight = await request.fetch(`http://127.0.0.1:${port}/api/articles/written-elsewhere/favorite`, {
    method: "OPTIONS",
    headers: {
      ...blogHost,
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization,content-type,x-requested-with",
    },
  });
  expect(preflight.status()).toBe(204);
  expect(preflight.headers()["access-control-allow-origin"]).toBe("*");
  expect(preflight.headers()["access-control-allow-methods"]).toContain("POST");
  expect(preflight.headers()["access-control-allow-headers"]).toBe(
    "authorization,content-type,x-requested-with",
  );

  // What the other front end wrote is a post of the blog: its reader site shows it…
  await page.goto(siteUrl(slug, "/written-elsewhere"));
  await expect(page.getByRole("heading", { level: 1, name: "Written elsewhere" })).toBeVisible();
  await expect(page.locator("article strong", { hasText: "another origin" })).toBeVisible();
  // …and the network's feed lists it (Latest).
  await page.goto("/?sort=new");
  await expect(page.getByRole("link", { name: "Written elsewhere" }).first()).toBeVisible();
  // The root domain's API names it across the network.
  const network = await request.get(`/api/articles/${slug}~written-elsewhere`);
  expect(network.status()).toBe(200);
  expect((await network.json()).article).toMatchObject({
    body: "Hello from **another origin**.",
    favoritesCount: 1,
  });
});
