import { createCallerFactory, router } from "@/server/trpc";
import { operationsRouter } from "./operations";
import { systemRouter } from "./system";
import { workflowsRouter } from "./workflows";

export const appRouter = router({
  system: systemRouter,
  workflows: workflowsRouter,
  operations: operationsRouter,
});
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
