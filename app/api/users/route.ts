import { registerRoute } from "@/server/auth/realworld-routes";

export const POST = registerRoute;
