import type { Db } from "@/db/client";
import { asDate } from "@/server/presenters/rows";
import { pickupConfirmation } from "@/server/providers/carrier-callback";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { waitingStage } from "@/server/workflows/kit/wait";
import { OPEN_WAIT_COLUMNS, OPEN_WAITS_LIMIT, type OpenWait, type OpenWaitRow, openWait } from "./open-wait";

/** One open acknowledgment wait, as the sandbox page lists it to answer by hand. */
export interface SandboxWait extends OpenWait {
  /** The outside system waited on (`carrier`); `stage` says "Waiting for the carrier to confirm pickup". */
  target: string;
  deadlineAt: Date | null;
  /** Whether the step declared a heartbeat (only then can one be sent). */
  heartbeat: boolean;
  heartbeatDeadlineAt: Date | null;
  /**
   * A payload the step's schema accepts, to start from: for the simulated carrier, the confirmation
   * it would send for the order's booking; otherwise null (the person writes it).
   */
  examplePayload: unknown;
}

/**
 * The sandbox page's open acknowledgment waits (server/waits): what each operation waits for,
 * since when, its deadline, and a payload to start from when firing an acknowledgment by hand.
 * Only waits of operations still processing: one its operation left behind is over.
 */
export class SandboxWaitsPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
  ) {}

  async call(): Promise<SandboxWait[]> {
    const rows = await this.db.$client<
      (OpenWaitRow & {
        target: string;
        deadlineAt: string | null;
        heartbeatMs: number | null;
        heartbeatDeadlineAt: string | null;
        shipmentId: string | null;
        trackingNumber: string | null;
      })[]
    >`
      select ${this.db.$client.unsafe(OPEN_WAIT_COLUMNS)}, w.target, w.deadline_at::text as "deadlineAt",
        w.heartbeat_ms as "heartbeatMs", w.heartbeat_deadline_at::text as "heartbeatDeadlineAt",
        s.id as "shipmentId", s.tracking_number as "trackingNumber"
      from waits w join operations o on o.id = w.operation_id
      left join lateral (
        select id, tracking_number from sim_shipments
        where w.target = 'carrier' and order_id = o.input->>'orderId' order by created_at limit 1
      ) s on true
      where w.state = 'waiting' and w.kind = 'acknowledgment' and o.status = 'processing'
      order by w.created_at limit ${OPEN_WAITS_LIMIT}`;
    return rows.map((r) => {
      return {
        ...openWait(this.registry, r, (def) =>
          def?.wait ? waitingStage(def.wait) : `Waiting for ${r.target}`,
        ),
        target: r.target,
        deadlineAt: r.deadlineAt ? asDate(r.deadlineAt) : null,
        heartbeat: r.heartbeatMs !== null,
        heartbeatDeadlineAt: r.heartbeatDeadlineAt ? asDate(r.heartbeatDeadlineAt) : null,
        examplePayload:
          r.shipmentId && r.trackingNumber
            ? pickupConfirmation({ shipmentId: r.shipmentId, trackingNumber: r.trackingNumber })
            : null,
      };
    });
  }
}
