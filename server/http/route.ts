import { randomUUID } from "node:crypto";
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
      const incident = randomUUID();
      logger.error({ err: error, incident }, "unhandled error in API route");
      return problem("internal", {
        detail: `Something went wrong on our side. Quote incident ${incident} when reporting it.`,
        instance: `/incidents/${incident}`,
      });
    }
  };
}
