import { realWorldRoute } from "@/server/http/realworld-routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/articles/:slug/comments/:id — the RealWorld API (server/http/realworld-router.ts dispatches on path and method). */
export const DELETE = realWorldRoute;
export const OPTIONS = realWorldRoute;
