import { realWorldRoute } from "@/server/http/realworld-routes";

/** `POST /api/users` (sign-up, server/auth/realworld-users.ts) with the RealWorld API's CORS. */
export const POST = realWorldRoute;
export const OPTIONS = realWorldRoute;
