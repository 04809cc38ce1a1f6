import { getServices } from "../services/container";
import { getRateLimiter } from "./rate-limit";
import { createRealWorldUsersHandlers } from "./realworld-users";
import { recordSigningKeyOnce } from "./secret-rotation";

/** The handlers wired to the process's services, for the thin `app/api/users*` route files. */
const handlers = createRealWorldUsersHandlers({
  users: () => getServices().users,
  rateLimiter: getRateLimiter,
});

function withStartup(handler: (req: Request) => Promise<Response>) {
  return (req: Request): Promise<Response> => {
    void recordSigningKeyOnce();
    return handler(req);
  };
}

export const registerRoute = withStartup(handlers.register);
export const loginRoute = withStartup(handlers.login);
export const currentUserRoute = withStartup(handlers.current);
