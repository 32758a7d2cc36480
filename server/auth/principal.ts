/**
 * Who is asking. Every procedure and route decides from this alone; nothing else
 * about the request grants access.
 */
export const API_KEY_SCOPES = ["operations:write", "operations:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const STAFF_ROLES = ["support", "operator", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export type Principal =
  | { kind: "anonymous" }
  | { kind: "key"; keyId: string; prefix: string; scopes: ApiKeyScope[] }
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

export function hasScope(principal: Principal, scope: ApiKeyScope): boolean {
  return principal.kind === "key" && principal.scopes.includes(scope);
}
