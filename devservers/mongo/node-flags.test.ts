import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { MONGO_NODE_FLAGS } from "./node-flags";

// `npm run mongo` cannot import the list, so it repeats it; this keeps the two from drifting.
it("npm run mongo starts the server with the same node flags as every other launcher", () => {
  const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../package.json"), "utf8"));
  expect(pkg.scripts.mongo).toBe(`node ${MONGO_NODE_FLAGS.join(" ")} --import tsx devservers/mongo/cli.ts`);
});
