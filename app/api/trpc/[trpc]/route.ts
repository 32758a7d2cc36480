import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { processServices } from "@/app/_lib/services";
import { logger } from "@/server/logger";
import { appRouter } from "@/server/routers/_app";
import { createContext } from "@/server/trpc/context";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ req, services: processServices() }),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error.cause ?? error, path }, "tRPC error");
    },
  });

export { handler as GET, handler as POST };
