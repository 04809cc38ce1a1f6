import { loginRoute } from "@/server/auth/realworld-routes";

export const POST = loginRoute;
