import { reasonProblem } from "@/server/actions/plans";
import { auditActorOf } from "@/server/audit/write";
import { createApiKey, revokeApiKey } from "@/server/auth/api-keys";
import { changeRole, createStaffUser, setStaffActive } from "@/server/auth/people";
import type { ContextInner } from "@/server/trpc/context";
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

/** The reason an audited change gives, trimmed; a missing or too-short one is refused. */
function requiredReason(reason: string): string {
  const problem = reasonProblem(reason);
  if (problem) throw domainError("invalid_input", problem, [{ pointer: "/reason", detail: problem }]);
  return reason.trim();
}

/** What every audited admin change is handed: the database, who made it and the request. */
function auditedBy(ctx: ContextInner) {
  return { db: ctx.services.db, actor: auditActorOf(ctx.principal), request: ctx.request };
}

const LAST_ADMIN = "This is the last active admin: make someone else admin first.";

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
        const result = await createStaffUser({ ...input, ...auditedBy(ctx) });
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
        const reason = requiredReason(input.reason);
        const result = await changeRole({ ...input, reason, ...auditedBy(ctx) });
        switch (result.type) {
          case "changed":
            return { from: result.from, to: result.to };
          case "unchanged":
            throw domainError("already_done", `This person already has the ${input.role} role.`);
          case "not_found":
            throw domainError("not_found", "No such person.");
          case "last_admin":
            throw domainError("last_admin", LAST_ADMIN);
        }
      }),

    setActive: adminProcedure
      .input(ZSetActiveRequestSchema)
      .output(ZSetActiveResponseSchema)
      .mutation(async ({ ctx, input }) => {
        const reason = requiredReason(input.reason);
        const result = await setStaffActive({ ...input, reason, ...auditedBy(ctx) });
        switch (result.type) {
          case "done":
            return { active: input.active };
          case "unchanged":
            throw domainError("already_done", input.active ? "Already active." : "Already deactivated.");
          case "not_found":
            throw domainError("not_found", "No such person.");
          case "last_admin":
            throw domainError("last_admin", LAST_ADMIN);
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
        return createApiKey({ ...input, ...auditedBy(ctx) });
      }),

    revoke: adminProcedure
      .input(ZRevokeApiKeyRequestSchema)
      .output(ZRevokeApiKeyResponseSchema)
      .mutation(async ({ ctx, input }) => {
        const reason = requiredReason(input.reason);
        const result = await revokeApiKey({ keyId: input.keyId, reason, ...auditedBy(ctx) });
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
