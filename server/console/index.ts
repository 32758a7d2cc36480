import { type Dashboard, DashboardPresenter } from "@/server/presenters/dashboard/dashboard-presenter";
import type { Services } from "@/server/services";
import { FaultSettingsService } from "./fault-settings";
import { OperationDetailPresenter } from "./operation-detail-presenter";
import { SearchPresenter } from "./search-presenter";
import { SharedRead } from "./shared-read";
import { TrackPresenter } from "./track-presenter";
import { WorkflowsPresenter } from "./workflows-presenter";

/** A dashboard is at most this old: live updates arrive within a second either way. */
const DASHBOARD_SHARE_MS = 400;

export interface Console {
  dashboard: SharedRead<Dashboard>;
  search: SearchPresenter;
  detail: OperationDetailPresenter;
  track: TrackPresenter;
  workflows: WorkflowsPresenter;
  faults: FaultSettingsService;
}

const consoles = new WeakMap<Services, Console>();

/** The console's read models over one process's services, built once. */
export function consoleFor(services: Services): Console {
  let c = consoles.get(services);
  if (!c) {
    const { db, registry } = services;
    const dashboard = new DashboardPresenter({ db, registry });
    c = {
      dashboard: new SharedRead(() => dashboard.call(), DASHBOARD_SHARE_MS),
      search: new SearchPresenter(db, registry),
      detail: new OperationDetailPresenter(db, registry),
      track: new TrackPresenter(db, registry),
      workflows: new WorkflowsPresenter(db, registry),
      faults: new FaultSettingsService(db),
    };
    consoles.set(services, c);
  }
  return c;
}
