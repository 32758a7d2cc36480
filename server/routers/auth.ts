import { completeSetup, isSetupTokenValid } from "@/server/auth/first-admin";
import { domainError } from "@/server/trpc/domain-error";
import { publicProcedure, router } from "@/server/trpc/init";
import {
  ZCompleteSetupRequestSchema,
  ZCompleteSetupResponseSchema,
  ZGetMeResponseSchema,
  ZGetSetupStatusRequestSchema,
  ZGetSetupStatusResponseSchema,
} from "./auth.types";

/** Who is signed in, and first-run setup. Signing in and out are better-auth's own endpoints (/api/auth). */
export const authRouter = router({
  me: publicProcedure.output(ZGetMeResponseSchema).query(async ({ ctx }) => {
    if (ctx.principal.kind !== "staff") return { signedIn: false as const };
    const user = await ctx.services.presenters.staffMember.call(ctx.principal.userId);
    if (!user) return { signedIn: false as const };
    return { signedIn: true as const, user };
  }),

  setupStatus: publicProcedure
    .input(ZGetSetupStatusRequestSchema)
    .output(ZGetSetupStatusResponseSchema)
    .query(async ({ ctx, input }) => ({ valid: await isSetupTokenValid(ctx.services.db, input.token) })),

  /** The one-time setup link's form: creates the first admin. The token is the only authorisation. */
  completeSetup: publicProcedure
    .input(ZCompleteSetupRequestSchema)
    .output(ZCompleteSetupResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await completeSetup({ db: ctx.services.db, ...input, request: ctx.request });
      switch (result.type) {
        case "created":
          return { userId: result.userId };
        case "invalid_token":
          throw domainError(
            "invalid_token",
            "This setup link is not valid any more. Restart Throughline for a new one.",
          );
        case "admin_exists":
          throw domainError("already_done", "An admin already exists: sign in instead.");
        case "invalid_password":
          throw domainError("invalid_input", result.message, [
            { pointer: "/password", detail: result.message },
          ]);
        case "email_taken":
          throw domainError("conflict", "Someone already uses this email.");
      }
    }),
});
