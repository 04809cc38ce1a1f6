import NextAuth from "next-auth";
import { buildAuthOptions } from "@/server/auth/next-auth-options";
import { recordSigningKeyOnce } from "@/server/auth/secret-rotation";

const handler = NextAuth(buildAuthOptions());

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function route(req: Request, context: RouteContext): Promise<Response> {
  void recordSigningKeyOnce();
  return handler(req, context);
}

export { route as GET, route as POST };
