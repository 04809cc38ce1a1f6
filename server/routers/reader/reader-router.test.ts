import { afterEach, describe, expect, it } from "vitest";
import { readerFixture } from "@/server/front/testing";
import { createCaller } from "@/server/routers";
import { contextFor, createUser } from "@/test/support/services";

const fixtures: Awaited<ReturnType<typeof readerFixture>>[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

describe("reader settings router", () => {
  it("lets owners set the description and navigation, validates links, and the reader site shows them at once", async () => {
    const f = await readerFixture();
    fixtures.push(f);
    await f.blog("navs", "minimal");
    const front = await f.front();
    expect((await front.get("navs", "/")).headers["x-reader-cache"]).toBe("miss");
    expect((await front.get("navs", "/")).headers["x-reader-cache"]).toBe("hit");

    const owner = createCaller(await contextFor(f.services, { token: f.owner.token, tenantSlug: "navs" }));
    await owner.reader.updateSettings({
      description: "Notes on quiet software.",
      navigation: [
        { label: "About", url: "/about" },
        { label: "Mastodon", url: "https://example.social/@navs" },
      ],
    });
    expect(await owner.reader.settings()).toMatchObject({
      description: "Notes on quiet software.",
      navigation: [{ label: "About" }, { label: "Mastodon" }],
    });
    const home = await front.get("navs", "/");
    expect(home.headers["x-reader-cache"]).toBe("miss");
    expect(home.body).toContain("Notes on quiet software.");
    expect(home.body).toContain('<a href="/about" class="nav-extra">About</a>');

    await expect(
      owner.reader.updateSettings({ navigation: [{ label: "x", url: "javascript:alert(1)" }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const reader = await createUser(f.services, "reader");
    const stranger = createCaller(await contextFor(f.services, { token: reader.token, tenantSlug: "navs" }));
    await expect(stranger.reader.updateSettings({ description: "mine now" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
