import { QUICK_RETRY } from "./kit/policies";
import type { WorkflowDefinition } from "./kit/types";
import { orderFulfill } from "./order-fulfill";

/**
 * The second version a deploy adds while operations run: `npm run chaos` rolls its web and
 * worker processes over to THROUGHLINE_WORKFLOW_SET=chaos-next mid-run and then checks that
 * every operation finished under the version that accepted it. Version 2 of `order.fulfill`
 * keeps version 1's steps and adds one at the end, so an operation run under the wrong
 * version shows in its step list and timeline.
 */
export const orderFulfillV2: WorkflowDefinition = {
  ...orderFulfill,
  version: 2,
  description: `${orderFulfill.description} Version 2 also records the delivery promise.`,
  steps: [
    ...orderFulfill.steps,
    {
      name: "record_promise",
      title: "Record the delivery promise",
      userText: "Noting when to expect your parcel",
      effect: {
        description: "Returns the promised delivery window; changes nothing outside Throughline.",
        run: async () => ({ promisedWithinDays: 3 }),
      },
      compensation: { none: "The step changes nothing outside Throughline." },
      retry: QUICK_RETRY,
      timeoutMs: 5_000,
    },
  ],
};

export const CHAOS_NEXT_WORKFLOWS = [orderFulfillV2];
