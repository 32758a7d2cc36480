import { reasonProblem } from "@/server/actions/plans";
import { auditActorOf } from "@/server/audit/write";
import { createApiKey, revokeApiKey } from "@/server/auth/api-keys";
import { changeRole, createStaffUser, setStaffActive } from "@/server/auth/people";
import { domainError } from "@/server/trpc/domain-error";
import { adminProcedure, router } from "@/server/trpc/init";
import {
  ZCreateApiKeyRequestSchema,
  ZCreateApiKeyResponseSchema,
  ZCreatePersonRequestSchema,
  ZCreatePersonResponseSchema,
  ZListApiKeysResponseSchema,
  ZListPeopleResponseSchema,
  ZRevokeApiKeyRequestSchema,
  ZRevokeApiKeyResponseSchema,
  ZSetActiveRequestSchema,
  ZSetActiveResponseSchema,
  ZSetRoleRequestSchema,
  ZSetRoleResponseSchema,
} from "./admin.types";

function requireReason(reason: string) {
  const problem = reasonProblem(reason);
  if (problem) throw domainError("invalid_input", problem, [{ pointer: "/reason", detail: problem }]);
}

/** People and API keys: admins only, every change audited. */
export const adminRouter = router({
  people: router({
    list: adminProcedure
      .output(ZListPeopleResponseSchema)
      .query(async ({ ctx }) => ({ people: await ctx.services.presenters.staff.call() })),

    create: adminProcedure
      .input(ZCreatePersonRequestSchema)
      .output(ZCreatePersonResponseSchema)
      .mutation(async ({ ctx, input }) => {
        const result = await createStaffUser({
          db: ctx.services.db,
          ...input,
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        });
        switch (result.type) {
          case "created":
            return { userId: result.userId };
          case "email_taken":
            throw domainError("conflict", "Someone already uses this email.");
          case "invalid_password":
            throw domainError("invalid_input", result.message, [
              { pointer: "/password", detail: result.message },
            ]);
          case "refused":
            throw domainError("conflict", "The person could not be added.");
        }
      }),

    setRole: adminProcedure
      .input(ZSetRoleRequestSchema)
      .output(ZSetRoleResponseSchema)
      .mutation(async ({ ctx, input }) => {
        requireReason(input.reason);
        const result = await changeRole({
          db: ctx.services.db,
          ...input,
          reason: input.reason.trim(),
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        });
        switch (result.type) {
          case "changed":
            return { from: result.from, to: result.to };
          case "unchanged":
            throw domainError("already_done", `This person already has the ${input.role} role.`);
          case "not_found":
            throw domainError("not_found", "No such person.");
          case "last_admin":
            throw domainError("last_admin", "This is the last active admin: make someone else admin first.");
        }
      }),

    setActive: adminProcedure
      .input(ZSetActiveRequestSchema)
      .output(ZSetActiveResponseSchema)
      .mutation(async ({ ctx, input }) => {
        requireReason(input.reason);
        const result = await setStaffActive({
          db: ctx.services.db,
          ...input,
          reason: input.reason.trim(),
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        });
        switch (result.type) {
          case "done":
            return { active: input.active };
          case "unchanged":
            throw domainError("already_done", input.active ? "Already active." : "Already deactivated.");
          case "not_found":
            throw domainError("not_found", "No such person.");
          case "last_admin":
            throw domainError("last_admin", "This is the last active admin: make someone else admin first.");
        }
      }),
  }),

  keys: router({
    list: adminProcedure
      .output(ZListApiKeysResponseSchema)
      .query(async ({ ctx }) => ({ keys: await ctx.services.presenters.apiKeys.call() })),

    create: adminProcedure
      .input(ZCreateApiKeyRequestSchema)
      .output(ZCreateApiKeyResponseSchema)
      .mutation(async ({ ctx, input }) => {
        const unknown = (input.workflowTypes ?? []).filter((t) => !ctx.services.registry.latest(t));
        if (unknown.length > 0) {
          throw domainError("invalid_input", `Unknown workflow type: ${unknown.join(", ")}.`, [
            { pointer: "/workflowTypes", detail: "unknown workflow type" },
          ]);
        }
        return createApiKey({
          db: ctx.services.db,
          ...input,
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        });
      }),

    revoke: adminProcedure
      .input(ZRevokeApiKeyRequestSchema)
      .output(ZRevokeApiKeyResponseSchema)
      .mutation(async ({ ctx, input }) => {
        requireReason(input.reason);
        const result = await revokeApiKey({
          db: ctx.services.db,
          keyId: input.keyId,
          reason: input.reason.trim(),
          actor: auditActorOf(ctx.principal),
          request: ctx.request,
        });
        switch (result.type) {
          case "revoked":
            return { prefix: result.prefix };
          case "already_done":
            throw domainError("already_done", "This key is already revoked.");
          case "not_found":
            throw domainError("not_found", "No such key.");
        }
      }),
  }),
});
