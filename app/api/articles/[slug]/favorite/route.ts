import { realWorldRoute } from "@/server/http/realworld-routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST|DELETE /api/articles/:slug/favorite — the RealWorld API (server/http/realworld-router.ts dispatches on path and method). */
export const POST = realWorldRoute;
export const DELETE = realWorldRoute;
export const OPTIONS = realWorldRoute;
