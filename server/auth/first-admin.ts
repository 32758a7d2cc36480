import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { authVerifications, staffUsers } from "@/db/schema";
import { type Queryable, type Tx, transaction } from "@/db/transaction";
import { NO_REQUEST, type RequestMeta, SYSTEM_ACTOR } from "@/server/audit/write";
import { type CreateStaffResult, createStaffUser } from "./people";

/**
 * The first admin. With THROUGHLINE_ADMIN_EMAIL and THROUGHLINE_ADMIN_PASSWORD set, the
 * launcher creates that admin when no active admin exists. Without them it prints a
 * one-time setup link (/setup?token=…, valid for a day, replaced at each start) with which
 * the first person to open it chooses the admin's email and password.
 */
const SETUP_IDENTIFIER = "throughline:first-admin-setup";
const SETUP_TTL_MS = 24 * 3600 * 1000;
/** Serialises "is there an admin yet?" with creating one, across processes. */
const FIRST_ADMIN_LOCK = 7_130_008;

export type FirstAdminResult =
  | { type: "admin_exists" }
  | { type: "created_from_env"; email: string }
  | { type: "invalid_env"; message: string }
  | { type: "setup_link"; url: string; expiresAt: Date };

export async function ensureFirstAdmin(options: {
  db: Db;
  publicUrl: string;
  env?: Record<string, string | undefined>;
  now?: Date;
}): Promise<FirstAdminResult> {
  const { db } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? new Date();
  if (await hasActiveAdmin(db)) return { type: "admin_exists" };

  const email = env.THROUGHLINE_ADMIN_EMAIL?.trim();
  const password = env.THROUGHLINE_ADMIN_PASSWORD;
  if (email && password) {
    const result = await createStaffUser({
      db,
      email,
      name: email.split("@")[0] ?? email,
      password,
      role: "admin",
      actor: SYSTEM_ACTOR,
      request: NO_REQUEST,
      action: "first_admin_created",
      guard: noAdminYet,
    });
    switch (result.type) {
      case "created":
        return { type: "created_from_env", email: email.toLowerCase() };
      case "refused":
        return { type: "admin_exists" };
      case "invalid_password":
        return { type: "invalid_env", message: `THROUGHLINE_ADMIN_PASSWORD: ${result.message}` };
      case "email_taken":
        return {
          type: "invalid_env",
          message: `THROUGHLINE_ADMIN_EMAIL: ${email} already belongs to a person who is not an active admin.`,
        };
    }
  }

  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SETUP_TTL_MS);
  await transaction(db, async (tx) => {
    await tx.db.delete(authVerifications).where(eq(authVerifications.identifier, SETUP_IDENTIFIER));
    await tx.db.insert(authVerifications).values({
      id: uuidv7(),
      identifier: SETUP_IDENTIFIER,
      value: hashToken(token),
      expiresAt,
    });
  });
  return { type: "setup_link", url: `${options.publicUrl}/setup?token=${token}`, expiresAt };
}

export type CompleteSetupResult = CreateStaffResult | { type: "invalid_token" } | { type: "admin_exists" };

/** Creates the first admin from the setup link; the link works once, and only while no admin exists. */
export async function completeSetup(options: {
  db: Db;
  token: string;
  email: string;
  name: string;
  password: string;
  request: RequestMeta;
  now?: Date;
}): Promise<CompleteSetupResult> {
  const now = options.now ?? new Date();
  let refusal: "invalid_token" | "admin_exists" = "invalid_token";
  const result = await createStaffUser({
    db: options.db,
    email: options.email,
    name: options.name,
    password: options.password,
    role: "admin",
    actor: SYSTEM_ACTOR,
    request: options.request,
    action: "first_admin_created",
    guard: async (tx) => {
      if (!(await noAdminYet(tx))) {
        refusal = "admin_exists";
        return false;
      }
      const consumed = await tx.db
        .delete(authVerifications)
        .where(
          and(
            eq(authVerifications.identifier, SETUP_IDENTIFIER),
            eq(authVerifications.value, hashToken(options.token)),
            gt(authVerifications.expiresAt, now),
          ),
        )
        .returning({ id: authVerifications.id });
      return consumed.length === 1;
    },
  });
  return result.type === "refused" ? { type: refusal } : result;
}

/** True while a setup link may be used (for the /setup page to say so before asking). */
export async function isSetupTokenValid(db: Db, token: string, now = new Date()): Promise<boolean> {
  if (await hasActiveAdmin(db)) return false;
  const rows = await db
    .select({ value: authVerifications.value })
    .from(authVerifications)
    .where(and(eq(authVerifications.identifier, SETUP_IDENTIFIER), gt(authVerifications.expiresAt, now)));
  const given = Buffer.from(hashToken(token));
  return rows.some((r) => r.value.length === given.length && timingSafeEqual(Buffer.from(r.value), given));
}

export async function hasActiveAdmin(db: Queryable): Promise<boolean> {
  const rows = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, "admin"), isNull(staffUsers.deactivatedAt)))
    .limit(1);
  return rows.length > 0;
}

async function noAdminYet(tx: Tx): Promise<boolean> {
  await tx.sql`select pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`;
  return !(await hasActiveAdmin(tx.db));
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * For the launcher, once the web process answers: makes sure an admin exists (from the
 * environment) or prints the one-time setup link. Opens and closes its own connection.
 */
export async function announceFirstAdmin(options: {
  databaseUrl: string;
  port: number;
  log: (line: string) => void;
}): Promise<void> {
  const { createDb } = await import("@/db/client");
  const db = createDb(options.databaseUrl, { max: 1, applicationName: "throughline-launcher" });
  try {
    const publicUrl = (process.env.THROUGHLINE_PUBLIC_URL ?? `http://localhost:${options.port}`).replace(
      /\/+$/,
      "",
    );
    const result = await ensureFirstAdmin({ db, publicUrl });
    switch (result.type) {
      case "admin_exists":
        return;
      case "created_from_env":
        options.log(
          `created the first admin ${result.email} (THROUGHLINE_ADMIN_EMAIL); sign in at ${publicUrl}/sign-in`,
        );
        return;
      case "invalid_env":
        options.log(`could not create the first admin: ${result.message}`);
        return;
      case "setup_link":
        console.log(
          `\n  No admin yet. Open this one-time link to create one (valid 24 h, a new one at each start):\n  ${result.url}\n  (or set THROUGHLINE_ADMIN_EMAIL and THROUGHLINE_ADMIN_PASSWORD)\n`,
        );
        return;
    }
  } finally {
    await db.$client.end({ timeout: 5 });
  }
}
