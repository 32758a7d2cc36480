import type { ApiKeyScope, Principal } from "@/server/domain/principal";
import type { StaffRole } from "@/server/domain/roles";

/** Each role includes the ones before it: support < operator < admin. */
const RANK: Record<StaffRole, number> = { support: 0, operator: 1, admin: 2 };

export function hasRole(principal: Principal, role: StaffRole): boolean {
  return principal.kind === "staff" && RANK[principal.role] >= RANK[role];
}

/** Who may pass a gate: staff from a minimum role, and/or API keys holding a scope. */
export interface Gate {
  role?: StaffRole;
  scope?: ApiKeyScope;
}

export type GateDecision = { ok: true } | { ok: false; code: "UNAUTHORIZED" | "FORBIDDEN"; message: string };

/** The one permission rule every tRPC procedure and route applies, decided from the principal alone. */
export function decide(principal: Principal, gate: Gate): GateDecision {
  if (principal.kind === "anonymous") return { ok: false, code: "UNAUTHORIZED", message: "Sign in first." };
  if (principal.kind === "staff") {
    if (gate.role && hasRole(principal, gate.role)) return { ok: true };
    return {
      ok: false,
      code: "FORBIDDEN",
      message: gate.role ? `This needs the ${gate.role} role.` : "Staff cannot call this; use an API key.",
    };
  }
  if (gate.scope && principal.scopes.includes(gate.scope)) return { ok: true };
  return {
    ok: false,
    code: "FORBIDDEN",
    message: gate.scope ? `This key lacks the \`${gate.scope}\` scope.` : "API keys cannot call this.",
  };
}
