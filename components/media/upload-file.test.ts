import { describe, expect, it } from "vitest";
import { fileProblem, formatBytes, MAX_IMAGE_BYTES } from "./upload-file";

const file = (name: string, type: string, size: number) => new File([new Uint8Array(size)], name, { type });

describe("browser-side upload checks", () => {
  it("accepts the image types the server accepts, up to 10 MB", () => {
    expect(fileProblem(file("a.jpg", "image/jpeg", 10))).toBeNull();
    expect(fileProblem(file("a.avif", "image/avif", MAX_IMAGE_BYTES))).toBeNull();
  });

  it("explains refusals in a sentence", () => {
    expect(fileProblem(file("logo.svg", "image/svg+xml", 10))).toBe(
      "logo.svg isn't a JPEG, PNG, WebP, GIF or AVIF image.",
    );
    expect(fileProblem(file("big.png", "image/png", MAX_IMAGE_BYTES + 1))).toBe(
      "big.png is 10.0 MB; images can be at most 10 MB.",
    );
    expect(fileProblem(file("empty.png", "image/png", 0))).toBe("empty.png is empty.");
    expect(formatBytes(2048)).toBe("2 KB");
  });
});
