import { hashPassword } from "better-auth/crypto";
import { and, eq, isNull, ne } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { staffAccounts, staffSessions, staffUsers } from "@/db/schema";
import { type Queryable, type Tx, transaction } from "@/db/transaction";
import { type AuditActor, appendAudit, type RequestMeta } from "@/server/audit/write";
import type { AuditAction } from "@/server/domain/audit-actions";
import type { StaffRole } from "@/server/domain/roles";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./auth";

/**
 * People: staff accounts managed by admins (there is no self sign-up). Every change is
 * audited in the same transaction as the change itself.
 */

export type CreateStaffResult =
  | { type: "created"; userId: string }
  | { type: "email_taken" }
  | { type: "invalid_password"; message: string };

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  return null;
}

export interface CreateStaffOptions {
  db: Db;
  email: string;
  name: string;
  password: string;
  role: StaffRole;
  /** Who adds the person (an admin, or `system` for the first admin). */
  actor: AuditActor;
  request: RequestMeta;
  /** Recorded as the audit action; `first_admin_created` for the first admin. */
  action?: Extract<AuditAction, "user_created" | "first_admin_created">;
  /** Runs in the same transaction before the insert, e.g. to re-check "no admin yet". */
  guard?: (tx: Tx) => Promise<boolean>;
}

/** Adds a staff member with a password (scrypt-hashed, as better-auth verifies it). */
export async function createStaffUser(
  options: CreateStaffOptions,
): Promise<CreateStaffResult | { type: "refused" }> {
  const problem = passwordProblem(options.password);
  if (problem) return { type: "invalid_password", message: problem };
  const email = options.email.trim().toLowerCase();
  const passwordHash = await hashPassword(options.password);
  return transaction(options.db, async (tx) => {
    if (options.guard && !(await options.guard(tx))) return { type: "refused" as const };
    const userId = uuidv7();
    const inserted = await tx.db
      .insert(staffUsers)
      .values({
        id: userId,
        email,
        name: options.name.trim() || email,
        role: options.role,
        emailVerified: true,
      })
      .onConflictDoNothing({ target: staffUsers.email })
      .returning({ id: staffUsers.id });
    if (inserted.length === 0) return { type: "email_taken" as const };
    await tx.db.insert(staffAccounts).values({
      id: uuidv7(),
      accountId: userId,
      providerId: "credential",
      userId,
      password: passwordHash,
    });
    await appendAudit(tx, {
      actor: options.actor,
      action: options.action ?? "user_created",
      request: options.request,
      reason: null,
      details: { userId, email, role: options.role },
    });
    return { type: "created" as const, userId };
  });
}

export type ChangeRoleResult =
  | { type: "changed"; from: StaffRole; to: StaffRole }
  | { type: "unchanged" }
  | { type: "not_found" }
  | { type: "last_admin" };

/** The person's row, locked until the transaction ends, so two admins' changes serialise. */
async function lockStaffUser(db: Queryable, userId: string) {
  const [user] = await db
    .select({ role: staffUsers.role, email: staffUsers.email, deactivatedAt: staffUsers.deactivatedAt })
    .from(staffUsers)
    .where(eq(staffUsers.id, userId))
    .for("update");
  return user;
}

/** Changes a person's role; takes effect on their next request. The last active admin stays admin. */
export async function changeRole(options: {
  db: Db;
  userId: string;
  role: StaffRole;
  reason: string;
  actor: AuditActor;
  request: RequestMeta;
}): Promise<ChangeRoleResult> {
  return transaction(options.db, async (tx) => {
    const user = await lockStaffUser(tx.db, options.userId);
    if (!user) return { type: "not_found" as const };
    if (user.role === options.role) return { type: "unchanged" as const };
    if (user.role === "admin" && !user.deactivatedAt && !(await anotherActiveAdmin(tx.db, options.userId))) {
      return { type: "last_admin" as const };
    }
    await tx.db
      .update(staffUsers)
      .set({ role: options.role, updatedAt: new Date() })
      .where(eq(staffUsers.id, options.userId));
    await appendAudit(tx, {
      actor: options.actor,
      action: "role_changed",
      request: options.request,
      reason: options.reason,
      details: { userId: options.userId, email: user.email, from: user.role, to: options.role },
    });
    return { type: "changed" as const, from: user.role, to: options.role };
  });
}

export type SetActiveResult =
  | { type: "done" }
  | { type: "unchanged" }
  | { type: "not_found" }
  | { type: "last_admin" };

/**
 * Deactivates a person (their sessions end at once and they cannot sign in) or
 * reactivates them. The row stays: the audit history keeps naming them.
 */
export async function setStaffActive(options: {
  db: Db;
  userId: string;
  active: boolean;
  reason: string;
  actor: AuditActor;
  request: RequestMeta;
}): Promise<SetActiveResult> {
  return transaction(options.db, async (tx) => {
    const user = await lockStaffUser(tx.db, options.userId);
    if (!user) return { type: "not_found" as const };
    if (Boolean(user.deactivatedAt) === !options.active) return { type: "unchanged" as const };
    if (!options.active && user.role === "admin" && !(await anotherActiveAdmin(tx.db, options.userId))) {
      return { type: "last_admin" as const };
    }
    await tx.db
      .update(staffUsers)
      .set({ deactivatedAt: options.active ? null : new Date(), updatedAt: new Date() })
      .where(eq(staffUsers.id, options.userId));
    if (!options.active) await tx.db.delete(staffSessions).where(eq(staffSessions.userId, options.userId));
    await appendAudit(tx, {
      actor: options.actor,
      action: options.active ? "user_reactivated" : "user_deactivated",
      request: options.request,
      reason: options.reason,
      details: { userId: options.userId, email: user.email, role: user.role },
    });
    return { type: "done" as const };
  });
}

/** Locks the other active admins' rows, so two demotions cannot both pass this check. */
async function anotherActiveAdmin(db: Queryable, except: string): Promise<boolean> {
  const rows = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, "admin"), isNull(staffUsers.deactivatedAt), ne(staffUsers.id, except)))
    .for("update");
  return rows.length > 0;
}
