import { bulkRoutes } from "./api/bulk";
import { clusterRoutes } from "./api/cluster";
import { documentRoutes } from "./api/documents";
import { indexRoutes } from "./api/indices";
import { searchRoutes } from "./api/search";
import type { Engine } from "./engine";
import { createHttpServer, Router } from "./http/server";

/** The REST API over an engine. Specific routes first: `/{index}` must not shadow `/_search`. */
export function buildServer(engine: Engine, log?: (msg: string) => void) {
  const router = new Router();
  clusterRoutes(router, engine);
  searchRoutes(router, engine);
  bulkRoutes(router, engine);
  documentRoutes(router, engine);
  indexRoutes(router, engine);
  return createHttpServer({ router, log });
}
