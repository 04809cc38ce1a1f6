import { realWorldRoute } from "@/server/http/realworld-routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** `GET /api/user` (server/auth/realworld-users.ts) and `PUT /api/user` (the account's profile record). */
export const GET = realWorldRoute;
export const PUT = realWorldRoute;
export const OPTIONS = realWorldRoute;
