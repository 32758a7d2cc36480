import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { eq, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { authRateLimits, authVerifications, staffAccounts, staffSessions, staffUsers } from "@/db/schema";
import { transaction } from "@/db/transaction";
import { appendAudit } from "@/server/audit/write";
import { logger } from "@/server/logger";
import { type AuthSettings, authSettings } from "./config";
import { CLIENT_ADDRESS_HEADER, requestMetaFrom } from "./request-meta";

/** Staff sessions last a working day; activity extends them at most once an hour. */
const SESSION_SECONDS = 12 * 3600;
const SESSION_REFRESH_SECONDS = 3600;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;
export const SESSION_COOKIE_PREFIX = "throughline";

/**
 * Staff sign-in: better-auth with email + password, sessions in PostgreSQL through its
 * drizzle adapter, sign-in rate limiting per client address (stored in the database, so
 * it holds across web replicas), httpOnly SameSite=Lax cookies (Secure off loopback), and
 * its Origin check on every cookie-carrying POST. Nobody signs up: admins add people.
 * Sign-ins and sign-outs are audited.
 */
export function createAuth(options: { db: Db; settings?: AuthSettings }) {
  const { db } = options;
  const settings = options.settings ?? authSettings();
  return betterAuth({
    appName: "Throughline",
    baseURL: settings.publicUrl,
    secret: settings.secret,
    trustedOrigins: settings.trustedOrigins,
    telemetry: { enabled: false },
    logger: {
      log: (level, message, ...args) => {
        logger[level]({ args: args.length > 0 ? args : undefined }, `better-auth: ${message}`);
      },
    },
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user: staffUsers,
        session: staffSessions,
        account: staffAccounts,
        verification: authVerifications,
        rateLimit: authRateLimits,
      },
    }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      autoSignIn: false,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
    },
    user: {
      additionalFields: {
        role: { type: "string", required: false, input: false, defaultValue: "support" },
        deactivatedAt: { type: "date", required: false, input: false },
      },
    },
    session: { expiresIn: SESSION_SECONDS, updateAge: SESSION_REFRESH_SECONDS },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: { "/sign-in/email": { window: 60, max: settings.signInAttemptsPerMinute } },
    },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      // Always on, tests included (better-auth skips the origin check under NODE_ENV=test).
      disableOriginCheck: false,
      disableCSRFCheck: false,
      useSecureCookies: settings.secureCookies,
      database: { generateId: () => uuidv7() },
      // Set by handleAuthRequest from THROUGHLINE_PROXY_HOPS; a client cannot choose it.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    hooks: {
      // Per account as well as per address: rotating addresses does not buy more guesses.
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = typeof ctx.body?.email === "string" ? ctx.body.email.trim().toLowerCase() : "";
        if (!email) return;
        const retryAfter = await consumeAccountAttempt(db, email, settings.signInAttemptsPerMinute);
        if (retryAfter !== null) {
          throw new APIError("TOO_MANY_REQUESTS", {
            message: "Too many sign-in attempts for this account. Try again later.",
          });
        }
      }),
    },
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            const [user] = await db
              .select({ deactivatedAt: staffUsers.deactivatedAt })
              .from(staffUsers)
              .where(eq(staffUsers.id, String(session.userId)));
            if (!user || user.deactivatedAt) {
              throw new APIError("FORBIDDEN", { message: "This account is deactivated." });
            }
          },
          after: async (session, context) => {
            await auditSession(db, "signed_in", session.userId, context?.request?.headers, session.ipAddress);
          },
        },
        delete: {
          after: async (session, context) => {
            if (context?.path !== "/sign-out") return;
            await auditSession(db, "signed_out", session.userId, context.request?.headers, session.ipAddress);
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const ACCOUNT_WINDOW_MS = 60_000;

/**
 * Counts one sign-in attempt for an account in a fixed one-minute window (same table and
 * window as better-auth's per-address limit, whose pruning it shares). Returns null when
 * allowed, else the seconds until the window ends.
 */
async function consumeAccountAttempt(db: Db, email: string, max: number): Promise<number | null> {
  const now = Date.now();
  const [row] = await db.execute<{ count: number; last_request: string }>(sql`
    insert into auth_rate_limits (id, key, count, last_request)
    values (${uuidv7()}, ${`account:${email}`}, 1, ${now})
    on conflict (key) do update set
      count = case when auth_rate_limits.last_request <= ${now - ACCOUNT_WINDOW_MS} then 1
        else auth_rate_limits.count + 1 end,
      last_request = case when auth_rate_limits.last_request <= ${now - ACCOUNT_WINDOW_MS} then ${now}
        else auth_rate_limits.last_request end
    returning count, last_request`);
  if (!row || row.count <= max) return null;
  return Math.ceil((Number(row.last_request) + ACCOUNT_WINDOW_MS - now) / 1000);
}

async function auditSession(
  db: Db,
  action: "signed_in" | "signed_out",
  userId: string,
  headers: Headers | undefined,
  ipAddress: string | null | undefined,
): Promise<void> {
  try {
    const [user] = await db
      .select({ email: staffUsers.email, role: staffUsers.role })
      .from(staffUsers)
      .where(eq(staffUsers.id, userId));
    if (!user) return;
    const meta = requestMetaFrom(headers ?? new Headers());
    await transaction(db, (tx) =>
      appendAudit(tx, {
        actor: { kind: "user", id: userId, label: user.email, role: user.role },
        action,
        request: { requestId: meta.requestId, clientAddress: meta.clientAddress ?? ipAddress ?? null },
        details: { method: "email_password" },
      }),
    );
  } catch (error) {
    // The session stands either way; a missing sign-in record is logged loudly.
    logger.error({ err: error, userId, action }, "could not audit a sign-in");
  }
}
