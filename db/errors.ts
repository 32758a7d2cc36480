/**
 * "The database is unreachable" — as opposed to a query the database refused. Callers map it
 * to 503 + Retry-After (server/http/problem.ts) or a SERVICE_UNAVAILABLE tRPC error
 * (server/trpc/domain-error.ts), never to a 500.
 *
 * Recognised: postgres.js's connection errors (its `code`s), Node socket errors, and the
 * SQLSTATEs of a server going away or refusing new work: class 08 (connection exception),
 * 57P01–57P03 (shutdown, crash, starting up), 53300 (too many connections), 57014 (query
 * cancelled — our bounded statement_timeout firing). drizzle wraps driver errors, so the
 * `cause` chain is followed.
 */
const NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // postgres.js
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; depth++) {
    if (typeof e !== "object") return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      if (NODE_CODES.has(code) || SQLSTATES.has(code) || code.startsWith("08")) return true;
    }
    if (e instanceof AggregateError && e.errors.some((x) => isDatabaseUnavailable(x))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Seconds a client should wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_S = 5;
