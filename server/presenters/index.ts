import type { Db } from "@/db/client";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { AlertPresenter } from "./alerts/alert-presenter";
import { AlertRulesPresenter } from "./alerts/alert-rules-presenter";
import { AlertsPresenter } from "./alerts/alerts-presenter";
import { ApiKeyPresenter } from "./api-keys-presenter";
import { AuditCsvPresenter } from "./audit/audit-csv-presenter";
import { AuditPresenter } from "./audit/audit-presenter";
import { AvailableActionsPresenter } from "./available-actions-presenter";
import { BulkListPresenter } from "./bulk/bulk-list-presenter";
import { BulkPresenter } from "./bulk/bulk-presenter";
import { type Dashboard, DashboardPresenter } from "./dashboard/dashboard-presenter";
import { OperationDetailPresenter } from "./detail/operation-detail-presenter";
import { EndUserWaitPresenter } from "./end-user-wait-presenter";
import { BlockedCauseOperationsPresenter } from "./inbox/blocked-cause-operations-presenter";
import { OperationListPresenter } from "./operation-list-presenter";
import { OperationPresenter } from "./operation-presenter";
import { PausePresenter } from "./pause-presenter";
import { SandboxTimersPresenter } from "./sandbox/sandbox-timers-presenter";
import { SandboxWaitsPresenter } from "./sandbox/sandbox-waits-presenter";
import { SearchPresenter } from "./search/search-presenter";
import { SharedRead } from "./shared-read";
import { StaffMemberPresenter } from "./staff-member-presenter";
import { StaffPresenter } from "./staff-presenter";
import { TrackPresenter } from "./track/track-presenter";
import { WebhookDeliveriesPresenter, WebhookEndpointsPresenter } from "./webhooks/webhooks-presenter";
import { WorkflowStoryPresenter } from "./workflows/workflow-story-presenter";
import { WorkflowsPresenter } from "./workflows/workflows-presenter";

/** A dashboard is at most this old: live updates arrive within a second either way. */
const DASHBOARD_SHARE_MS = 400;

/** Every read model of a process, one per query; each has a single entry point, `call`. */
export interface Presenters {
  /** The dashboard, shared by the pages open at the same moment (`call(freshAfter)`). */
  dashboard: SharedRead<Dashboard>;
  /** One inbox group's operations. */
  blockedCause: BlockedCauseOperationsPresenter;
  operation: OperationPresenter;
  operations: OperationListPresenter;
  detail: OperationDetailPresenter;
  search: SearchPresenter;
  track: TrackPresenter;
  workflows: WorkflowsPresenter;
  workflowStory: WorkflowStoryPresenter;
  availableActions: AvailableActionsPresenter;
  pauses: PausePresenter;
  audit: AuditPresenter;
  auditCsv: AuditCsvPresenter;
  bulk: BulkPresenter;
  bulkList: BulkListPresenter;
  staff: StaffPresenter;
  staffMember: StaffMemberPresenter;
  apiKeys: ApiKeyPresenter;
  /** The Alerts page and the navigation's count. */
  alerts: AlertsPresenter;
  /** One alert with its history, affected operations and runbook. */
  alert: AlertPresenter;
  /** Every alert rule per workflow type: default, override, who changed it and why. */
  alertRules: AlertRulesPresenter;
  /** Whether an operation waits for its customer's answer to a form, since when (detail page). */
  endUserWait: EndUserWaitPresenter;
  /** Outbound webhook endpoints (never their secrets), and one endpoint's delivery log. */
  webhookEndpoints: WebhookEndpointsPresenter;
  webhookDeliveries: WebhookDeliveriesPresenter;
  /** The sandbox page's open acknowledgment waits, to answer by hand. */
  sandboxWaits: SandboxWaitsPresenter;
  /** The sandbox page's open timers (scheduled steps) and when each is due, to run now. */
  sandboxTimers: SandboxTimersPresenter;
}

export function createPresenters(deps: { db: Db; registry: WorkflowRegistry; now: () => Date }): Presenters {
  const { db, registry, now } = deps;
  const dashboard = new DashboardPresenter({ db, registry, now });
  const workflows = new WorkflowsPresenter(db, registry, now);
  const audit = new AuditPresenter(db);
  return {
    dashboard: new SharedRead(() => dashboard.call(), DASHBOARD_SHARE_MS),
    blockedCause: new BlockedCauseOperationsPresenter(db),
    operation: new OperationPresenter(db),
    operations: new OperationListPresenter(db),
    detail: new OperationDetailPresenter(db, registry, now),
    search: new SearchPresenter(db, registry),
    track: new TrackPresenter(db, registry, now),
    workflows,
    workflowStory: new WorkflowStoryPresenter(workflows, registry),
    availableActions: new AvailableActionsPresenter(db, registry),
    pauses: new PausePresenter(db),
    audit,
    auditCsv: new AuditCsvPresenter(audit),
    bulk: new BulkPresenter(db),
    bulkList: new BulkListPresenter(db),
    staff: new StaffPresenter(db),
    staffMember: new StaffMemberPresenter(db),
    apiKeys: new ApiKeyPresenter(db),
    alerts: new AlertsPresenter(db),
    alert: new AlertPresenter(db, registry),
    alertRules: new AlertRulesPresenter(db, registry),
    endUserWait: new EndUserWaitPresenter(db, registry),
    webhookEndpoints: new WebhookEndpointsPresenter(db),
    webhookDeliveries: new WebhookDeliveriesPresenter(db),
    sandboxWaits: new SandboxWaitsPresenter(db, registry),
    sandboxTimers: new SandboxTimersPresenter(db, registry),
  };
}
