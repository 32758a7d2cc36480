import { type Db, getDb } from "@/db/client";
import { pauseGate } from "./actions/pauses";
import { getRunDispatcher, type RunDispatcher } from "./engine/dispatch";
import type { StartDispatcher } from "./operations/dispatch";
import { OperationPresenter } from "./operations/operation-presenter";
import { StartOperationService } from "./operations/start-operation";
import { defaultRegistry } from "./workflows";
import type { WorkflowRegistry } from "./workflows/registry";

/** The domain services one process uses, wired once. Tests build their own with createServices. */
export interface Services {
  db: Db;
  registry: WorkflowRegistry;
  presenter: OperationPresenter;
  startOperation: StartOperationService;
  /** Writes run jobs inside an operator action's transaction (the engine's normal path). */
  runs: Pick<RunDispatcher, "enqueueWith">;
}

/** For services built without a run dispatcher: operator actions then fail loudly. */
const NO_RUNS: Pick<RunDispatcher, "enqueueWith"> = {
  enqueueWith: async () => {
    throw new Error("No run dispatcher: pass `runs` to createServices to act on operations.");
  },
};

export function createServices(options: {
  db: Db;
  registry?: WorkflowRegistry;
  dispatch: StartDispatcher;
  runs?: Pick<RunDispatcher, "enqueueWith">;
}): Services {
  const registry = options.registry ?? defaultRegistry;
  return {
    db: options.db,
    registry,
    presenter: new OperationPresenter(options.db, registry),
    startOperation: new StartOperationService(options.db, registry, options.dispatch, pauseGate(options.db)),
    runs: options.runs ?? NO_RUNS,
  };
}

const globalForServices = globalThis as unknown as { throughlineServices?: Services };

export function getServices(): Services {
  globalForServices.throughlineServices ??= createServices({
    db: getDb(),
    dispatch: getRunDispatcher().dispatchStarts,
    runs: getRunDispatcher(),
  });
  return globalForServices.throughlineServices;
}
