import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { processServices } from "@/app/_lib/services";
import { DATABASE_RETRY_AFTER_S } from "@/db/errors";
import { DEFAULT_BODY_LIMIT_BYTES } from "@/server/http/read-body";
import { logger } from "@/server/logger";
import { appRouter } from "@/server/routers/_app";
import { withRequestLog } from "@/server/telemetry/request-log";
import { limitBody } from "@/server/trpc/body-limit";
import { createContext } from "@/server/trpc/context";
import { isDatabaseUnavailableError } from "@/server/trpc/domain-error";
import { MAX_TRPC_BATCH } from "@/server/trpc/limits";
import { retryAfterOf } from "@/server/trpc/rate-limited";

export const dynamic = "force-dynamic";

/** The largest body a call may send, as for /api/v1 (README: THROUGHLINE_BODY_LIMIT_BYTES). */
const bodyLimit = () => Number(process.env.THROUGHLINE_BODY_LIMIT_BYTES ?? DEFAULT_BODY_LIMIT_BYTES);

// The request's log line and id (also the id its audit records carry): withRequestLog.
const handler = (incoming: Request) => withRequestLog(incoming, () => trpcHandler(incoming));

const trpcHandler = (incoming: Request) => {
  const req = limitBody(incoming, bodyLimit());
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    // Larger batches are a typed BAD_REQUEST before any call runs (issue 15: batches are capped).
    maxBatchSize: MAX_TRPC_BATCH,
    createContext: () => createContext({ req, services: processServices() }),
    // An outage answers like the REST API's: 503 with the time to wait (issue 15 hole 2).
    // A rate-limited call says when to come back, like POST /api/v1/operations' 429 (issue 15).
    responseMeta: ({ errors }) => {
      if (errors.some(isDatabaseUnavailableError))
        return { headers: new Headers({ "retry-after": String(DATABASE_RETRY_AFTER_S) }) };
      const waits = errors.map(retryAfterOf).filter((s): s is number => s !== null);
      return waits.length > 0 ? { headers: new Headers({ "retry-after": String(Math.max(...waits)) }) } : {};
    },
    onError: ({ error, path }) => {
      if (isDatabaseUnavailableError(error))
        logger.warn({ err: error.cause ?? error, path }, "tRPC: database unavailable");
      else if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error.cause ?? error, path }, "tRPC error");
    },
  });
};

export { handler as GET, handler as POST };
