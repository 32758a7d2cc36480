import { type Db, getDb } from "@/db/client";
import { pauseGate } from "./actions/pauses";
import { getRunDispatcher } from "./engine/dispatch";
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
}

export function createServices(options: {
  db: Db;
  registry?: WorkflowRegistry;
  dispatch: StartDispatcher;
}): Services {
  const registry = options.registry ?? defaultRegistry;
  return {
    db: options.db,
    registry,
    presenter: new OperationPresenter(options.db, registry),
    startOperation: new StartOperationService(options.db, registry, options.dispatch, pauseGate(options.db)),
  };
}

const globalForServices = globalThis as unknown as { throughlineServices?: Services };

export function getServices(): Services {
  globalForServices.throughlineServices ??= createServices({
    db: getDb(),
    dispatch: getRunDispatcher().dispatchStarts,
  });
  return globalForServices.throughlineServices;
}
