import { createCallerFactory, router } from "../trpc";
import { accountRouter } from "./account";
import { adminRouter } from "./admin";
import { auditRouter } from "./audit";
import { authRouter } from "./auth";
import { commentsRouter } from "./comments";
import { feedRouter } from "./feed";
import { mediaRouter } from "./media";
import { membersRouter } from "./members";
import { postsRouter } from "./posts";
import { readerRouter } from "./reader";
import { pipelineRouter, searchRouter } from "./search";
import { signalsRouter } from "./signals";
import { tenantsRouter } from "./tenants";

export const appRouter = router({
  auth: authRouter,
  tenants: tenantsRouter,
  audit: auditRouter,
  admin: adminRouter,
  posts: postsRouter,
  media: mediaRouter,
  members: membersRouter,
  account: accountRouter,
  search: searchRouter,
  pipeline: pipelineRouter,
  feed: feedRouter,
  comments: commentsRouter,
  signals: signalsRouter,
  reader: readerRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls (server components, tests) with an explicit context. */
export const createCaller = createCallerFactory(appRouter);
