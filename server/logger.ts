import { randomUUID } from "node:crypto";
import pino from "pino";
import { logContext } from "@/server/telemetry/log-context";

/**
 * pino's error serializer, plus what postgres.js keeps out of sight: the failed statement and its
 * parameters are non-enumerable on its errors (on each one of a `cause` chain), so the default
 * serializer drops them — and they are what an operator needs to look an incident up. The log is
 * the one place they go: callers see only an incident id (route.ts, tRPC's errorFormatter,
 * publicStepError).
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as Record<string, unknown>;
  const statements: { query: unknown; parameters: unknown }[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 8; depth++) {
    const { query, parameters } = e as { query?: unknown; parameters?: unknown };
    if (typeof query === "string") statements.push({ query, parameters });
    e = (e as { cause?: unknown }).cause;
  }
  return statements.length > 0 ? { ...out, statements } : out;
}

/** One structured logger; the role (web/worker) tells processes apart. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { role: process.env.THROUGHLINE_ROLE ?? "app" },
  serializers: { err: serializeError },
  // The operation (step attempt) or request a line is written for: server/telemetry/log-context.ts.
  mixin: () => ({ ...logContext.current() }),
});

/**
 * An unexpected error, logged once under a new incident id with where it happened; the id is
 * what the caller is shown instead of the error's own text (SQL, parameters, personal data).
 */
export function logIncident(
  err: unknown,
  fields: Record<string, unknown>,
  message: string,
  level: "error" | "warn" = "error",
): string {
  const incidentId = randomUUID();
  logger[level]({ err, incidentId, ...fields }, message);
  return incidentId;
}
