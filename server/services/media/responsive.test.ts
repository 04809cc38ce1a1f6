import { describe, expect, it } from "vitest";
import { renderDocument } from "../render/render";
import { responsiveImage } from "./responsive";

const tenant = "6b15e5d746f6d94e8e5ad2ca";
const media = "6b15e83cf49a35ec7c8f2742";
const src = `https://cdn.example/media/${tenant}/${media}/w1280.webp`;

describe("srcset for uploaded images in rendered posts", () => {
  it("lists every variant the original width produced", () => {
    expect(responsiveImage(src, media, 2400)?.srcset).toBe(
      [320, 640, 960, 1280, 1920]
        .map((w) => `https://cdn.example/media/${tenant}/${media}/w${w}.webp ${w}w`)
        .join(", "),
    );
    expect(
      responsiveImage(src.replace("w1280", "w700"), media, 700)
        ?.srcset.split(", ")
        .map((s) => s.split(" ")[1]),
    ).toEqual(["320w", "640w", "700w"]);
  });

  it("leaves images by URL and mismatched ids alone", () => {
    expect(responsiveImage("https://example.com/cat.jpg", media, 800)).toBeNull();
    expect(responsiveImage(src, "0".repeat(24), 2400)).toBeNull();
    expect(responsiveImage(src, null, 2400)).toBeNull();
  });

  it("the shared renderer writes srcset and sizes, sanitized, for a figure with a media id", () => {
    const { html } = renderDocument({
      type: "doc",
      content: [
        {
          type: "image",
          attrs: { src, alt: "Harbour", caption: "At dawn", width: 2400, height: 1600, mediaId: media },
        },
        { type: "image", attrs: { src: "https://example.com/cat.jpg", alt: "Cat" } },
      ],
    });
    expect(html).toContain(`data-media-id="${media}"`);
    expect(html).toMatch(/<img src="[^"]+w1280\.webp"/);
    expect(html).toMatch(/srcset="[^"]+w320\.webp 320w, [^"]+w1920\.webp 1920w"/);
    expect(html).toContain('sizes="(min-width: 48rem) 42rem, 100vw"');
    expect(html).toContain("<figcaption>At dawn</figcaption>");
    expect(html.match(/srcset=/g)).toHaveLength(1);
  });
});
