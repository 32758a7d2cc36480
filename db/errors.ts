/**
 * "The database is unreachable" — as opposed to a query the database refused. Callers map it
 * to 503 + Retry-After (server/http/problem.ts) or a SERVICE_UNAVAILABLE tRPC error
 * (server/trpc/domain-error.ts), never to a 500.
 *
 * Recognised: postgres.js's connection errors (its `code`s), Node socket errors, and the
 * SQLSTATEs of a server going away or refusing new work: class 08 (connection exception),
 * 57P01–57P03 (shutdown, crash, starting up), 53300 (too many connections), and the web pool's
 * own bounds firing (db/client.ts WEB_TIMEOUTS): 57014 (statement_timeout), 55P03 (lock_timeout),
 * 25P03 (idle_in_transaction_session_timeout); and a request's deadline passing while it still
 * waited on the database (DatabaseDeadlineError). drizzle wraps driver errors, so the `cause`
 * chain is followed.
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
  // withDatabaseDeadline
  "THROUGHLINE_DEADLINE",
]);
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "57014", "55P03", "25P03"]);

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

/**
 * A request ran past its deadline: PostgreSQL accepted the connection (or the pool had none free)
 * and did not answer — a stalled server no statement_timeout can cut short, since the server
 * itself keeps the time.
 */
export class DatabaseDeadlineError extends Error {
  readonly code = "THROUGHLINE_DEADLINE";
  constructor(ms: number) {
    super(`no answer from the database within ${ms} ms`);
  }
}

/**
 * Settles with `work`, or rejects with DatabaseDeadlineError after `ms` (answered as 503: every
 * wait of a web request is on the database). The work itself is not cancelled: a write may still
 * commit, which is why a 503 means "retry with the same Idempotency-Key", not "nothing happened".
 */
export function withDatabaseDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseDeadlineError(ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * How long a web request may wait before it is answered 503: longer than a pool connection's
 * connect timeout (5 s) plus a statement's bound (10 s), so those fire first with their own
 * reason; THROUGHLINE_REQUEST_DEADLINE_MS overrides it.
 */
export function requestDeadlineMs(env: Record<string, string | undefined> = process.env): number {
  const ms = Number(env.THROUGHLINE_REQUEST_DEADLINE_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : 20_000;
}
