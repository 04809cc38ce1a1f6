import { currentUserRoute } from "@/server/auth/realworld-routes";

export const GET = currentUserRoute;
