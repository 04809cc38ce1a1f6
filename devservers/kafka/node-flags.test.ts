import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { KAFKA_NODE_FLAGS } from "./node-flags";

// `npm run kafka` cannot import the list, so it repeats it; this keeps the two from drifting.
it("npm run kafka starts the broker with the same node flags as every other launcher", () => {
  const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../package.json"), "utf8"));
  expect(pkg.scripts.kafka).toBe(`node ${KAFKA_NODE_FLAGS.join(" ")} --import tsx devservers/kafka/cli.ts`);
});
