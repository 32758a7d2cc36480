import { accountVerify } from "./account-verify";
import { demoNoop } from "./demo-noop";
import { WorkflowRegistry } from "./kit/registry";
import { orderFulfill } from "./order-fulfill";
import { reportExport } from "./report-export";

/** Every workflow this build runs. Keep old versions here while operations under them are in flight. */
export const WORKFLOWS = [orderFulfill, accountVerify, reportExport, demoNoop];

export const defaultRegistry = new WorkflowRegistry(WORKFLOWS);
