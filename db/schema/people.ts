import { bigint, boolean, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { STAFF_ROLES } from "@/server/domain/roles";

/**
 * Staff accounts and their sessions, in the shape better-auth's drizzle adapter expects
 * (server/auth/auth.ts maps its models `user`, `session`, `account`, `verification` and
 * `rateLimit` onto these tables). End users have no account: they follow one operation
 * through a signed track link.
 */
export const staffRole = pgEnum("staff_role", STAFF_ROLES);

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

export const staffUsers = pgTable("staff_users", {
  id: uuid("id").primaryKey(),
  name: text("name").notNull(),
  /** Stored lower-cased; unique. */
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  role: staffRole("role").notNull().default("support"),
  /** A deactivated person cannot sign in and their sessions are gone; the row stays for the audit trail. */
  deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
  ...timestamps,
});

export const staffSessions = pgTable(
  "staff_sessions",
  {
    id: uuid("id").primaryKey(),
    token: text("token").notNull().unique(),
    userId: uuid("user_id")
      .notNull()
      .references(() => staffUsers.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    ...timestamps,
  },
  (t) => [index("staff_sessions_user_idx").on(t.userId)],
);

/** Credentials: one `credential` row per person holds the password hash (scrypt, by better-auth). */
export const staffAccounts = pgTable(
  "staff_accounts",
  {
    id: uuid("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => staffUsers.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    refreshTokenExpiresAt: timestamp("refresh_token_expires_at", { withTimezone: true }),
    scope: text("scope"),
    password: text("password"),
    ...timestamps,
  },
  (t) => [index("staff_accounts_user_idx").on(t.userId)],
);

/** One-time values: better-auth's verification tokens and the first-admin setup link (hashed). */
export const authVerifications = pgTable(
  "auth_verifications",
  {
    id: uuid("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [index("auth_verifications_identifier_idx").on(t.identifier)],
);

/** Sign-in rate limiting shared by every web replica (key = client address + path). */
export const authRateLimits = pgTable(
  "auth_rate_limits",
  {
    id: uuid("id").primaryKey(),
    key: text("key").notNull().unique(),
    count: integer("count").notNull(),
    lastRequest: bigint("last_request", { mode: "number" }).notNull(),
  },
  (t) => [index("auth_rate_limits_last_request_idx").on(t.lastRequest)],
);
