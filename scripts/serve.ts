/**
 * The app's HTTP entry point (`npm start`, `npm run dev` and the e2e tests start it through
 * scripts/dev.ts / e2e/global-setup.ts): our node:http front server (server/front) in front of
 * Next's request handler, on one port. Reader pages of `<slug>.<root>` are answered by the front
 * server (cached, or rendered from strings), and in production so are tRPC calls and the RealWorld
 * API's reads (the same handlers as Next's routes, without its request pipeline); everything else
 * goes to Next.
 *
 *   tsx scripts/serve.ts --port 3000 [--dev] [--hostname 127.0.0.1] [--no-page-cache]
 *
 * Prints `ready http://<host>:<port>` once it accepts requests.
 */
import path from "node:path";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  options: {
    port: { type: "string" },
    hostname: { type: "string" },
    dev: { type: "boolean", default: false },
    "no-page-cache": { type: "boolean", default: false },
  },
});
const dev = flags.dev;
// Next and the validated env both read NODE_ENV at import: settle it before loading them.
const env = process.env as Record<string, string | undefined>;
env.NODE_ENV = dev ? "development" : "production";
const port = Number(flags.port ?? process.env.PORT ?? 3000);
const hostname = flags.hostname;
const repoRoot = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  const { Redis } = await import("ioredis");
  const { env: appEnv } = await import("../server/env");
  const { log } = await import("../server/log");
  const { getServices } = await import("../server/services/container");
  const { getAuthRedis } = await import("../server/auth/redis");
  const { buildReaderAssets } = await import("../server/front/assets");
  const { createFrontServer } = await import("../server/front/front-server");
  const { feedFrontRoute } = await import("../server/services/feed/feed-http");
  const { trpcFrontRoute } = await import("../server/front/trpc-route");
  const { handleTrpcRequest } = await import("../server/http/trpc-handler");
  const { realWorldFrontRoute } = await import("../server/http/realworld-front");

  // Connect first: a MongoClient first connected after Next's prepare() never leaves the
  // "Unknown" server state here (Next 16 patches process globals), while one connected before
  // keeps working. The container lives on globalThis, so Next's bundle uses these clients too.
  const services = getServices();
  await services.db
    .client()
    .connect()
    .catch((error: unknown) =>
      log.warn({ err: String(error) }, "MongoDB not reachable yet; retrying on first use"),
    );
  await getAuthRedis()
    .connect()
    .catch(() => undefined);
  const subscriber = new Redis(appEnv.REDIS_URL, { maxRetriesPerRequest: null });
  subscriber.on("error", () => undefined); // reconnects by itself; local purges never depend on it

  const { default: next } = await import("next");
  const app = next({ dev, dir: repoRoot, hostname: hostname ?? "localhost", port });
  const handle = app.getRequestHandler();
  const [assets] = await Promise.all([buildReaderAssets(repoRoot), app.prepare()]);

  const front = await createFrontServer({
    env: appEnv,
    services,
    log,
    assets,
    pageCache: !flags["no-page-cache"],
    subscriber,
    fallback: (req, res) => handle(req, res),
    routes: [
      // `GET /api/feed` straight from the feed service (same code as Next's route), ahead of Next.
      feedFrontRoute(() => getServices().feed, log),
      // tRPC (the studio's autosave among it) with Next's route's handler and context, ahead of
      // Next's request pipeline. Not in dev, where Next's route hot-reloads router edits.
      ...(dev ? [] : [trpcFrontRoute({ rootDomain: appEnv.ROOT_DOMAIN, handle: handleTrpcRequest })]),
      // The RealWorld API's reads (article lists above all) with the router Next's route files
      // call; writes and sign-in stay with Next. Not in dev either, for the same reason.
      ...(dev ? [] : [realWorldFrontRoute({ services: getServices, env: appEnv, log })]),
    ],
  });
  if (dev) {
    const upgrade = (
      app as unknown as { getUpgradeHandler?: () => (...a: unknown[]) => void }
    ).getUpgradeHandler?.();
    if (upgrade) front.server.on("upgrade", upgrade);
  }

  const stop = async () => {
    front.server.close();
    front.server.closeAllConnections();
    await front.close();
    subscriber.disconnect();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());

  await new Promise<void>((resolve) => front.server.listen(port, hostname, resolve));
  console.log(
    `ready http://${hostname ?? "localhost"}:${port}${flags["no-page-cache"] ? " (reader page cache off)" : ""}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
