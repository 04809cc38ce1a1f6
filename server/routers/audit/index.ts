import { z } from "zod";
import { platformAdminProcedure, router } from "../../trpc";

const listInput = z.object({
  action: z.string().trim().min(1).max(100).optional(),
  actorEmail: z.string().trim().max(254).optional(),
  targetId: z.string().trim().min(1).max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}_[0-9a-f]{24}$/, "Invalid cursor")
    .optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

/** The privileged-action trail, for platform admins. */
export const auditRouter = router({
  list: platformAdminProcedure
    .input(listInput.default({}))
    .query(({ ctx, input }) => ctx.services.audit.list(input)),
});
