import { randomUUID } from "node:crypto";
import { logger } from "@/server/logger";
import { logContext } from "./log-context";

/** The request ids we accept from a client or proxy (others are replaced by a new one). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** A valid `x-request-id` the caller sent, else a new one: the id of this request everywhere. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Runs a web request's handler with its request id in the log context — so every line logged
 * while handling it, and the audit records it writes (requestMetaFrom reads the same id), carry
 * that id — then writes the request's one log line (method, path, status, duration) and answers
 * with the id in `x-request-id` for the caller to quote.
 */
export async function withRequestLog(request: Request, handle: () => Promise<Response>): Promise<Response> {
  const requestId = requestIdOf(request.headers);
  const started = performance.now();
  return logContext.run({ request_id: requestId }, async () => {
    let status = 500;
    try {
      const response = await handle();
      status = response.status;
      try {
        response.headers.set("x-request-id", requestId);
      } catch {
        // A response with immutable headers (a proxied fetch answer) keeps its own.
      }
      return response;
    } finally {
      logger.info(
        {
          method: request.method,
          path: new URL(request.url).pathname,
          status,
          duration_ms: Math.round((performance.now() - started) * 10) / 10,
        },
        "request",
      );
    }
  });
}
