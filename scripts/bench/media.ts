/**
 * `npm run bench:media`: what an image upload costs, end to end through the app's services against
 * the embedded S3 server and embedded Mongo (both in-process, free ports, temp dirs):
 * presign (createUpload), the browser-style POST to storage, and the confirm step (download, sniff,
 * sharp resize into WebP variants, variant PUTs). Photo-like JPEGs of increasing size, plus a PNG
 * screenshot; 5 runs each, medians. Prints a table, then RESULT lines.
 */
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { startMongo } from "../../devservers/mongo/index";
import { DatabaseService } from "../../server/db";
import { log } from "../../server/log";
import { MediaService } from "../../server/services/media/media-service";
import { browserUpload, startTestStorage } from "../../server/services/media/media-test-support";

const RUNS = 5;

async function photo(width: number, height: number, quality: number): Promise<Buffer> {
  // Smooth gradients plus grain: compresses like a real photo (not like flat colour or pure noise).
  const raw = Buffer.alloc(width * height * 3);
  let seed = 11;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const grain = (seed % 24) - 12;
      raw[i] = Math.max(0, Math.min(255, (x / width) * 180 + 40 + grain));
      raw[i + 1] = Math.max(0, Math.min(255, (y / height) * 160 + 50 + grain));
      raw[i + 2] = Math.max(0, Math.min(255, ((x + y) / (width + height)) * 200 + grain));
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

async function screenshot(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f5f5f4"/>${Array.from(
    { length: 40 },
    (_, i) =>
      `<rect x="${40 + (i % 4) * 460}" y="${60 + Math.floor(i / 4) * 100}" width="420" height="70" rx="8" fill="#${((i * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(0, 6)}"/>`,
  ).join("")}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

async function main(): Promise<void> {
  const mongo = await startMongo({ port: 0, quiet: true });
  const { storage, stop } = await startTestStorage();
  const db = new DatabaseService({ uri: mongo.uri, prefix: `bench${Date.now().toString(36)}` });
  const media = new MediaService({
    db,
    storage,
    publicBase: "http://localhost/media",
    log: log.child({}, { level: "warn" }),
  });
  const { ObjectId } = await import("mongodb");
  const tenant = { _id: new ObjectId() };
  const uploader = new ObjectId().toHexString();

  const cases = [
    { name: "photo 1200×800", bytes: await photo(1200, 800, 85), type: "image/jpeg" as const },
    { name: "photo 2400×1600", bytes: await photo(2400, 1600, 90), type: "image/jpeg" as const },
    { name: "photo 4000×3000", bytes: await photo(4000, 3000, 92), type: "image/jpeg" as const },
    { name: "screenshot 1920×1080 PNG", bytes: await screenshot(1920, 1080), type: "image/png" as const },
  ];
  const rows: string[][] = [];
  const results: Record<string, number> = {};
  for (const c of cases) {
    const presign: number[] = [];
    const post: number[] = [];
    const confirm: number[] = [];
    const resize: number[] = [];
    let variantBytes = 0;
    for (let run = 0; run < RUNS + 1; run++) {
      const t0 = performance.now();
      const created = await media.createUpload(tenant, uploader, {
        filename: "bench.jpg",
        contentType: c.type,
        size: c.bytes.length,
      });
      const t1 = performance.now();
      const res = await browserUpload(created.upload, c.bytes);
      if (res.status !== 204) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      const t2 = performance.now();
      await media.confirm(tenant, created.mediaId);
      const t3 = performance.now();
      const doc = await db.forTenant(tenant).media.findOne({ _id: new ObjectId(created.mediaId) });
      if (run === 0) continue; // warm-up (sharp's first call loads libvips)
      presign.push(t1 - t0);
      post.push(t2 - t1);
      confirm.push(t3 - t2);
      resize.push(doc?.resizeMs ?? 0);
      variantBytes = doc?.variantBytes ?? 0;
    }
    const key = c.name
      .replace(/[^a-z0-9]+/gi, "_")
      .toLowerCase()
      .replace(/_+$/, "");
    results[`media_post_ms_${key}`] = median(post);
    results[`media_confirm_ms_${key}`] = median(confirm);
    results[`media_resize_ms_${key}`] = median(resize);
    rows.push([
      c.name,
      mb(c.bytes.length),
      median(presign).toFixed(1),
      median(post).toFixed(1),
      `${(c.bytes.length / 1024 / 1024 / (median(post) / 1000)).toFixed(0)} MB/s`,
      median(confirm).toFixed(0),
      median(resize).toFixed(0),
      mb(variantBytes),
    ]);
  }

  const header = [
    "image",
    "size",
    "presign ms",
    "POST ms",
    "POST rate",
    "confirm ms",
    "of which resize ms",
    "variants total",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(
    `\nImage uploads through the media service (${RUNS} runs each, medians; embedded S3 + Mongo on loopback)\n`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log("");
  const targets: Record<string, number> = {
    media_confirm_ms_photo_2400_1600: 2000,
    media_post_ms_photo_2400_1600: 500,
  };
  for (const [name, value] of Object.entries(results)) {
    const target = targets[name];
    console.log(
      target === undefined
        ? `RESULT ${name} ${value.toFixed(1)} ms`
        : `RESULT ${name} ${value.toFixed(1)} ms target < ${target} ${value < target ? "ok" : "miss"}`,
    );
  }
  await db.client().db(`${db.prefix}_tenant_${tenant._id.toHexString()}`).dropDatabase();
  await db.close();
  await stop();
  await mongo.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
