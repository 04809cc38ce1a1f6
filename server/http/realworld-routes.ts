import { env } from "../env";
import { log } from "../log";
import { getServices } from "../services/container";
import { json } from "./realworld-http";
import { handleRealWorld, type RouterDeps } from "./realworld-router";

const deps: RouterDeps = { services: getServices, env, log };

/**
 * The one handler every RealWorld route file exports for each of its methods (the router
 * dispatches on the path and method itself).
 */
export async function realWorldRoute(req: Request): Promise<Response> {
  return (await handleRealWorld(req, deps)) ?? json(404, { errors: { body: ["Not found"] } });
}
