import type { StaffRole } from "@/server/domain/roles";

/**
 * Who is asking. Every procedure and route decides from this alone; nothing else
 * about the request grants access.
 */
export const API_KEY_SCOPES = ["operations:write", "operations:read", "metrics:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * The mark of the synthetic checker's own key (server/synthetic/key.ts): operations it starts
 * are synthetic. Not an API_KEY_SCOPES member on purpose — no admin can pick it, the bootstrap
 * key does not carry it, and no request body can claim it.
 */
export const SYNTHETIC_KEY_SCOPE = "system:synthetic";

export type Principal =
  | { kind: "anonymous" }
  | {
      kind: "key";
      keyId: string;
      prefix: string;
      scopes: ApiKeyScope[];
      /** The workflow types the key may see and start; null for every type. */
      workflowTypes: string[] | null;
      /** The synthetic checker's key (SYNTHETIC_KEY_SCOPE): what it starts is flagged synthetic. */
      synthetic?: boolean;
    }
  | { kind: "staff"; userId: string; email: string; role: StaffRole };

/** The actor string recorded on events and used as the idempotency scope. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case "key":
      return `key:${principal.prefix}`;
    case "staff":
      return `user:${principal.userId}`;
    case "anonymous":
      return "anonymous";
  }
}

/** Whether operations this principal starts are synthetic checks (never a caller's say-so). */
export function startsSynthetic(principal: Principal): boolean {
  return principal.kind === "key" && principal.synthetic === true;
}

export function hasScope(principal: Principal, scope: ApiKeyScope): boolean {
  return principal.kind === "key" && principal.scopes.includes(scope);
}

/**
 * Whether the principal may see operations of this workflow type. Staff see every type;
 * a key limited to types sees only those (others answer as if they did not exist).
 */
export function maySeeType(principal: Principal, workflowType: string): boolean {
  if (principal.kind !== "key" || principal.workflowTypes === null) return true;
  return principal.workflowTypes.includes(workflowType);
}

/** The types a list must be limited to for this principal, or undefined for every type. */
export function visibleTypes(principal: Principal): string[] | undefined {
  return principal.kind === "key" && principal.workflowTypes !== null ? principal.workflowTypes : undefined;
}
