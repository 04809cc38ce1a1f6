import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";
import { log } from "../log";
import { getServices } from "../services/container";
import { getRateLimiter } from "./rate-limit";
import { createRealWorldUsersHandlers } from "./realworld-users";
import { recordSigningKeyOnce } from "./secret-rotation";

/** The handlers wired to the process's services, for the thin `app/api/users*` route files. */
const handlers = createRealWorldUsersHandlers({
  users: () => getServices().users,
  rateLimiter: getRateLimiter,
});

/** Records the signing kid once, and answers an unexpected failure in the RealWorld error shape. */
function withStartup(handler: (req: Request) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    void recordSigningKeyOnce();
    try {
      return await handler(req);
    } catch (error) {
      // A failed connect closes the topology under concurrent operations, so any of these means "down".
      const unavailable = [
        MongoNetworkError,
        MongoServerSelectionError,
        MongoTopologyClosedError,
        MongoNotConnectedError,
      ].some((type) => error instanceof type);
      log.error({ err: error, path: new URL(req.url).pathname }, "users endpoint failed");
      return Response.json(
        {
          errors: {
            body: [unavailable ? "The service is unavailable. Try again shortly." : "Something went wrong."],
          },
        },
        { status: unavailable ? 503 : 500 },
      );
    }
  };
}

export const registerRoute = withStartup(handlers.register);
export const loginRoute = withStartup(handlers.login);
export const currentUserRoute = withStartup(handlers.current);
