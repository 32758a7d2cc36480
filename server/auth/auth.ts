import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { and, eq } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import {
  auditRecords,
  authRateLimits,
  authVerifications,
  staffAccounts,
  staffSessions,
  staffUsers,
} from "@/db/schema";
import { transaction } from "@/db/transaction";
import { appendAudit } from "@/server/audit/write";
import { logger } from "@/server/logger";
import { type AuthSettings, authSettings } from "./config";
import { CLIENT_ADDRESS_HEADER, requestMetaFrom } from "./request-meta";
import { SignInLimiter, type SignInLimitOptions } from "./sign-in-limit";

/** Staff sessions last a working day; activity extends them at most once an hour. */
const SESSION_SECONDS = 12 * 3600;
const SESSION_REFRESH_SECONDS = 3600;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;
export const SESSION_COOKIE_PREFIX = "throughline";

/**
 * Staff sign-in: better-auth with email + password, sessions in PostgreSQL through its
 * drizzle adapter, sign-in rate limiting per client address (better-auth's, stored in the
 * database, so it holds across web replicas) and per account and address (SignInLimiter:
 * progressive delays that a guesser cannot turn into the owner's lockout), httpOnly
 * SameSite=Lax cookies (Secure off loopback), and its Origin check on every cookie-carrying
 * POST. Nobody signs up: admins add people. Sign-ins and sign-outs are audited.
 */
export function createAuth(options: {
  db: Db;
  settings?: AuthSettings;
  signInLimits?: Partial<SignInLimitOptions>;
}) {
  const { db } = options;
  const settings = options.settings ?? authSettings();
  const limiter = new SignInLimiter(options.signInLimits);
  return betterAuth({
    appName: "Throughline",
    baseURL: settings.publicUrl,
    secret: settings.secret,
    trustedOrigins: settings.trustedOrigins,
    telemetry: { enabled: false },
    logger: {
      log: (level, message, ...args) => {
        logger[level](
          { args: args.length > 0 ? args.map(authLogArg) : undefined },
          `better-auth: ${message}`,
        );
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
      before: createAuthMiddleware(async (ctx) => {
        const attempt = signInAttemptOf(ctx);
        if (!attempt) return;
        const check = await limiter.attempt(attempt.email, attempt.address, () =>
          signedInFromBefore(db, attempt.email, attempt.address),
        );
        if (!check.ok) {
          throw new APIError(
            "TOO_MANY_REQUESTS",
            { message: "Too many sign-in attempts. Try again later." },
            { "Retry-After": String(check.retryAfterS) },
          );
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const attempt = signInAttemptOf(ctx);
        if (attempt && !(ctx.context.returned instanceof APIError))
          limiter.succeeded(attempt.email, attempt.address);
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

/** The account and address of a password sign-in; the address as handleAuthRequest decided it. */
function signInAttemptOf(ctx: {
  path?: string;
  body?: unknown;
  headers?: Headers;
  request?: Request;
}): { email: string; address: string } | null {
  if (ctx.path !== "/sign-in/email") return null;
  const body = ctx.body as { email?: unknown } | undefined;
  const email = typeof body?.email === "string" ? body.email.trim().toLowerCase() : "";
  if (!email) return null;
  // No address only when called without the web server in front (auth.api, a test): one bucket.
  return { email, address: (ctx.headers ?? ctx.request?.headers)?.get(CLIENT_ADDRESS_HEADER) ?? "unknown" };
}

/** Whether this account signed in from this address before: its audit history says so. */
async function signedInFromBefore(db: Db, email: string, address: string): Promise<boolean> {
  const [row] = await db
    .select({ seq: auditRecords.seq })
    .from(auditRecords)
    .where(
      and(
        eq(auditRecords.actorLabel, email),
        eq(auditRecords.actorKind, "user"),
        eq(auditRecords.action, "signed_in"),
        eq(auditRecords.clientAddress, address),
      ),
    )
    .limit(1);
  return row !== undefined;
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

/**
 * What of a better-auth log argument may reach the log. Its database errors carry the failed
 * query's parameters (drizzle puts them in the message after "params:", postgres.js keeps them on
 * the error): those are session tokens, emails and password hashes, so only the error's name, code
 * and the statement without its parameters are kept.
 */
export function authLogArg(arg: unknown): unknown {
  if (!(arg instanceof Error))
    return typeof arg === "string" ? arg.split("\nparams:")[0]!.slice(0, 500) : undefined;
  const code = (arg as { code?: unknown }).code;
  return {
    name: arg.name,
    ...(typeof code === "string" ? { code } : {}),
    message: arg.message.split("\nparams:")[0]!.slice(0, 500),
    ...(arg.cause instanceof Error ? { cause: authLogArg(arg.cause) } : {}),
  };
}
