import { randomUUID } from "node:crypto";
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from "@/db/errors";
import { logger } from "@/server/logger";
import { problem } from "./problem";

/**
 * Wraps a handler so an unexpected error is logged once, with its cause, and the
 * caller gets a problem document with an id to quote — never a stack trace or SQL.
 */
export function route<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      // An outage is not a bug: a fast 503 the client may retry (issue 15 hole 2).
      if (isDatabaseUnavailable(error)) {
        logger.warn({ err: error }, "database unavailable in API route");
        return problem("unavailable", {
          detail: "The database is unreachable; retry after the time given.",
          headers: { "retry-after": String(DATABASE_RETRY_AFTER_S) },
        });
      }
      const incident = randomUUID();
      logger.error({ err: error, incident }, "unhandled error in API route");
      return problem("internal", {
        detail: `Something went wrong on our side. Quote incident ${incident} when reporting it.`,
        instance: `/incidents/${incident}`,
      });
    }
  };
}
