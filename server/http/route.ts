import {
  DATABASE_RETRY_AFTER_S,
  isDatabaseUnavailable,
  requestDeadlineMs,
  withDatabaseDeadline,
} from "@/db/errors";
import { logger, logIncident } from "@/server/logger";
import { withRequestLog } from "@/server/telemetry/request-log";
import { problem } from "./problem";

/**
 * Wraps a handler so an unexpected error is logged once, with its cause, and the
 * caller gets a problem document with an id to quote — never a stack trace or SQL.
 * An unreachable or stalled database is a fast 503 the client may retry (issue 15 hole 2):
 * the handler has until the request deadline to produce its Response (a streamed body,
 * such as the audit export, is not held to it once its headers are out).
 */
export function route<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return (...args: A): Promise<Response> => {
    // The request's log line and id (withRequestLog); the Request is whichever argument it is.
    const request = args.find((a): a is Request => a instanceof Request);
    return request ? withRequestLog(request, () => answer(handler, args)) : answer(handler, args);
  };
}

async function answer<A extends unknown[]>(
  handler: (...args: A) => Promise<Response>,
  args: A,
): Promise<Response> {
  try {
    return await withDatabaseDeadline(handler(...args), requestDeadlineMs());
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error }, "database unavailable in API route");
      return unavailableProblem();
    }
    const incident = logIncident(error, {}, "unhandled error in API route");
    return problem("internal", {
      detail: `Something went wrong on our side. Quote incident ${incident} when reporting it.`,
      instance: `/incidents/${incident}`,
    });
  }
}

function unavailableProblem(): Response {
  return problem("unavailable", {
    detail: "The database is unreachable; retry after the time given.",
    headers: { "retry-after": String(DATABASE_RETRY_AFTER_S) },
  });
}
