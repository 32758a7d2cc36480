import { createCallerFactory, router } from "@/server/trpc/init";
import { actionsRouter } from "./actions";
import { adminRouter } from "./admin";
import { alertsRouter } from "./alerts";
import { auditRouter } from "./audit";
import { authRouter } from "./auth";
import { dashboardRouter } from "./dashboard";
import { endUserRouter } from "./end-user";
import { inboxRouter } from "./inbox";
import { liveRouter } from "./live";
import { operationsRouter } from "./operations";
import { sandboxRouter } from "./sandbox";
import { searchRouter } from "./search";
import { trackRouter } from "./track";
import { waitsRouter } from "./waits";
import { webhooksRouter } from "./webhooks";
import { workflowsRouter } from "./workflows";

export const appRouter = router({
  workflows: workflowsRouter,
  operations: operationsRouter,
  dashboard: dashboardRouter,
  inbox: inboxRouter,
  search: searchRouter,
  live: liveRouter,
  track: trackRouter,
  endUser: endUserRouter,
  waits: waitsRouter,
  sandbox: sandboxRouter,
  auth: authRouter,
  actions: actionsRouter,
  admin: adminRouter,
  audit: auditRouter,
  alerts: alertsRouter,
  webhooks: webhooksRouter,
});
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
