import { realWorldRoute } from "@/server/http/realworld-routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET|POST /api/articles/:slug/comments — the RealWorld API (server/http/realworld-router.ts dispatches on path and method). */
export const GET = realWorldRoute;
export const POST = realWorldRoute;
export const OPTIONS = realWorldRoute;
