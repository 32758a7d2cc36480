import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { processServices } from "@/app/_lib/services";
import { DATABASE_RETRY_AFTER_S } from "@/db/errors";
import { logger } from "@/server/logger";
import { appRouter } from "@/server/routers/_app";
import { createContext } from "@/server/trpc/context";
import { isDatabaseUnavailableError } from "@/server/trpc/domain-error";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ req, services: processServices() }),
    // An outage answers like the REST API's: 503 with the time to wait (issue 15 hole 2).
    responseMeta: ({ errors }) =>
      errors.some(isDatabaseUnavailableError)
        ? { headers: new Headers({ "retry-after": String(DATABASE_RETRY_AFTER_S) }) }
        : {},
    onError: ({ error, path }) => {
      if (isDatabaseUnavailableError(error))
        logger.warn({ err: error.cause ?? error, path }, "tRPC: database unavailable");
      else if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error.cause ?? error, path }, "tRPC error");
    },
  });

export { handler as GET, handler as POST };
