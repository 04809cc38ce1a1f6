import { TRPCError } from "@trpc/server";
import { getRateLimiter, tooManyAttemptsMessage } from "../../auth/rate-limit";
import { isAppError, toTRPCError } from "../../errors";
import { signUpInput } from "../../services/users/user-input";
import { publicProcedure, router } from "../../trpc";

/**
 * Sign-up and "who am I". Signing in goes through next-auth (`signIn("credentials", …)`),
 * which sets the session cookie this router then sees in `ctx.session`.
 */
export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const limit = await getRateLimiter().hit("signup", ctx.ip, input.email);
    if (!limit.allowed)
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: tooManyAttemptsMessage(limit) });
    try {
      const user = await ctx.services.users.signUp(input);
      return ctx.services.users.toSessionUser(user);
    } catch (error) {
      if (isAppError(error)) throw toTRPCError(error);
      throw error;
    }
  }),

  me: publicProcedure.query(({ ctx }) => ctx.session?.user ?? null),
});
