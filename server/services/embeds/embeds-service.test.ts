import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { isPrivateAddress } from "./address-guard";
import { EmbedsService } from "./embeds-service";

/** A local fixture site: the only way a test reaches loopback is the service's explicit allow-list. */
let server: Server;
let base: string;
let port: number;

const page = `<!doctype html><html><head>
<title>Fallback &amp; title</title>
<meta property="og:title" content="A talk about &quot;things&quot;">
<meta property="og:description" content="Forty minutes   on things.">
<meta property="og:image" content="/thumb.jpg">
<meta property="og:site_name" content="Fixture Tube">
</head><body>${"x".repeat(10)}</body></html>`;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/video") return res.writeHead(200, { "content-type": "text/html" }).end(page);
    if (req.url === "/plain")
      return res.writeHead(200, { "content-type": "text/html" }).end("<title>Just a title</title>");
    if (req.url === "/hop") return res.writeHead(302, { location: "/video" }).end();
    if (req.url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
    if (req.url === "/to-localhost")
      return res.writeHead(302, { location: `http://localhost:${port}/video` }).end();
    if (req.url === "/huge") {
      res.writeHead(200, { "content-type": "text/html" });
      res.write('<title>Huge</title><meta name="description" content="big">');
      const chunk = "y".repeat(64 * 1024);
      let sent = 0;
      const push = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once("drain", push);
        else res.end();
      };
      return push();
    }
    if (req.url === "/slow") return; // never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const fixture = (opts = {}) =>
  new EmbedsService({ allowPrivateHosts: ["127.0.0.1"], timeoutMs: 1_000, ...opts });
const codeOf = (work: Promise<unknown>) =>
  work.then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

describe("EmbedsService.linkCard", () => {
  it("reads Open Graph metadata into a link card, image made absolute", async () => {
    const card = await fixture().linkCard(`${base}/video`);
    expect(card).toEqual({
      url: `${base}/video`,
      title: 'A talk about "things"',
      description: "Forty minutes on things.",
      image: `${base}/thumb.jpg`,
      siteName: "Fixture Tube",
      provider: "link",
    });
  });

  it("falls back to the <title> and the host, and follows a redirect", async () => {
    expect(await fixture().linkCard(`${base}/plain`)).toMatchObject({
      title: "Just a title",
      siteName: "127.0.0.1",
    });
    expect((await fixture().linkCard(`${base}/hop`)).title).toBe('A talk about "things"');
  });

  it("refuses private, loopback and link-local addresses unless the test allow-list names the host", async () => {
    const guarded = new EmbedsService({ timeoutMs: 1_000 });
    for (const url of [
      `${base}/video`,
      `http://localhost:${port}/video`,
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://0.0.0.0/",
    ]) {
      expect(await codeOf(guarded.linkCard(url)), url).toBe("BAD_REQUEST");
    }
    // The allow-list is per host: a redirect from the fixture to "localhost" is still refused.
    expect(await codeOf(fixture().linkCard(`${base}/to-localhost`))).toBe("BAD_REQUEST");
  });

  it("refuses other schemes and credentials, and bounds redirects, time and size", async () => {
    for (const url of [
      "file:///etc/passwd",
      "ftp://x.test/",
      "gopher://x",
      "javascript:alert(1)",
      "not a url",
    ]) {
      expect(await codeOf(fixture().linkCard(url)), url).toBe("BAD_REQUEST");
    }
    expect(await codeOf(fixture().linkCard("http://user:pw@127.0.0.1/"))).toBe("BAD_REQUEST");
    expect(await codeOf(fixture().linkCard(`${base}/loop`))).toBe("UNPROCESSABLE");
    expect(await codeOf(fixture({ timeoutMs: 300 }).linkCard(`${base}/slow`))).toBe("UNPROCESSABLE");
    expect(await codeOf(fixture().linkCard(`${base}/missing`))).toBe("UNPROCESSABLE");
    // A 12 MB page: read up to the limit, card from what arrived.
    expect(await fixture({ maxBytes: 64 * 1024 }).linkCard(`${base}/huge`)).toMatchObject({
      title: "Huge",
      description: "big",
    });
  });

  it("classifies addresses", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:10.0.0.1",
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
      expect(isPrivateAddress(a), a).toBe(false);
  });
});
