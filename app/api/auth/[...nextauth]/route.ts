import NextAuth from "next-auth";
import { buildAuthOptions, recordSigningKeyOnce } from "@/server/auth/next-auth-options";

const handler = NextAuth(buildAuthOptions());

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function route(req: Request, context: RouteContext): Promise<Response> {
  void recordSigningKeyOnce();
  return handler(req, context);
}

export { route as GET, route as POST };
