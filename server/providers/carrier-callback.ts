import { sql as dsql, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type SimCallbackMode, simCallbackSettings } from "@/db/schema";
import { safeFetch } from "@/server/http-client/safe-fetch";
import { logger } from "@/server/logger";

/**
 * The simulated carrier's pickup callback (issue 12): after booking, the carrier confirms the
 * pickup later, by itself, by calling the callback it was handed — as a real partner would.
 *
 * The call is scheduled in the worker process that ran the step (a timer in the provider
 * runtime, unref'd), so it outlives the attempt that ended into the wait, and it is written down
 * first (sim_owed_callbacks, ./owed-callbacks.ts): a worker that dies before sending it leaves a
 * row that another worker's backstop sends, so a SIGKILL loses no pickup confirmation.
 *
 * How it is sent is the process's choice (`CallbackChannel`):
 * - `httpCallbacks(baseUrl)`: POST `{baseUrl}/api/v1/callbacks/{token}` — the real HTTP path,
 *   what the worker of `npm start` uses (base URL: `syntheticSettings().baseUrl`);
 * - `inProcessCallbacks(waits)`: straight to the WaitService, for processes with no web to call
 *   (the engine test harness, `createServices`' default).
 */

/** What the carrier sends: the callback endpoint's body (server/waits/schemas.ts ZCallbackRequestSchema). */
export type CallbackBody =
  | { status: "succeeded"; payload: unknown }
  | {
      status: "failed";
      errorClass: "transient" | "permanent" | "needs_person";
      message: string;
      code?: string;
    }
  | { status: "heartbeat" };

export interface CallbackChannel {
  kind: "http" | "in_process";
  /** Sends one callback; answers the HTTP status (or its in-process equivalent). Throws when nothing was sent. */
  send(callback: { url: string; token: string }, body: CallbackBody): Promise<number>;
}

/** The real HTTP path: the callback URL's token, on the base URL this process reaches the web at. */
export function httpCallbacks(baseUrl: string): CallbackChannel {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    kind: "http",
    async send(callback, body) {
      const response = await safeFetch(
        `${base}/api/v1/callbacks/${encodeURIComponent(callback.token)}`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
        // Our own web, at the operator's configured address (often localhost): not an address
        // someone else chose, so private destinations are allowed here.
        { allowPrivate: true, timeoutMs: 10_000 },
      );
      return response.status;
    },
  };
}

/** The part of WaitService the in-process path calls (structural: providers import nothing of server/waits). */
export interface InProcessWaits {
  acknowledge(
    ref: { token: string },
    ack: Exclude<CallbackBody, { status: "heartbeat" }>,
    who: { by: string; actor: string },
  ): Promise<{ type: string }>;
  heartbeat(ref: { token: string }): Promise<{ type: string }>;
}

const STATUS_OF: Record<string, number> = {
  accepted: 200,
  ok: 200,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  gone: 410,
};

/** No web to call: the same acknowledgment through the WaitService, answered as the endpoint would. */
export function inProcessCallbacks(waits: InProcessWaits): CallbackChannel {
  return {
    kind: "in_process",
    async send(callback, body) {
      const result =
        body.status === "heartbeat"
          ? await waits.heartbeat({ token: callback.token })
          : await waits.acknowledge({ token: callback.token }, body, { by: "callback", actor: "system" });
      return STATUS_OF[result.type] ?? 500;
    },
  };
}

export interface CallbackSettings {
  mode: SimCallbackMode;
  delayMs: number;
  updatedAt: Date | null;
}

/** Short, so the sample order completes in about a second and the tests and e2e that wait for it too. */
export const DEFAULT_CALLBACK_DELAY_MS = 300;
const DEFAULTS: CallbackSettings = { mode: "confirm", delayMs: DEFAULT_CALLBACK_DELAY_MS, updatedAt: null };

export async function readCallbackSettings(db: Db): Promise<CallbackSettings> {
  const [row] = await db
    .select({
      mode: simCallbackSettings.mode,
      delayMs: simCallbackSettings.delayMs,
      updatedAt: simCallbackSettings.updatedAt,
    })
    .from(simCallbackSettings)
    .where(eq(simCallbackSettings.provider, "carrier"));
  return row ?? DEFAULTS;
}

export async function writeCallbackSettings(
  db: Db,
  settings: { mode: SimCallbackMode; delayMs: number },
): Promise<CallbackSettings> {
  const [row] = await db
    .insert(simCallbackSettings)
    .values({ provider: "carrier", ...settings })
    .onConflictDoUpdate({
      target: simCallbackSettings.provider,
      set: { ...settings, updatedAt: dsql`now()` },
    })
    .returning({
      mode: simCallbackSettings.mode,
      delayMs: simCallbackSettings.delayMs,
      updatedAt: simCallbackSettings.updatedAt,
    });
  return row!;
}

/** What the carrier says when the pickup succeeded: the step's acknowledgment (order-fulfill.ts). */
export interface PickupConfirmation {
  shipmentId: string;
  trackingNumber: string;
  pickupRef: string;
}

/** Stable per booking, so a duplicate callback (or a re-run effect's) sends the very same payload. */
export function pickupConfirmation(booking: {
  shipmentId: string;
  trackingNumber: string;
}): PickupConfirmation {
  return { ...booking, pickupRef: `PU-${booking.shipmentId.replace(/^shp_/, "")}` };
}

/** The bodies the carrier sends, in order, for a mode. */
export function callbackPlan(mode: SimCallbackMode, confirmation: PickupConfirmation): CallbackBody[] {
  const confirm: CallbackBody = { status: "succeeded", payload: confirmation };
  switch (mode) {
    case "confirm":
      return [confirm];
    case "duplicate":
      return [confirm, confirm];
    case "fail":
      return [
        {
          status: "failed",
          errorClass: "needs_person",
          code: "pickup_failed",
          message: "The carrier could not collect the parcel (sandbox: the carrier fails).",
        },
      ];
    case "never":
      return [];
  }
}

/**
 * Until the wait row is committed (the step's attempt commits after the effect returns) the
 * token names nothing and is answered 404; a 5xx or a network error is the web restarting. The
 * carrier tries again a few times, as partners do, then gives up (the deadline decides).
 */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];
const RETRYABLE = (status: number) => status === 404 || status === 429 || status >= 500;

/** Sends the bodies one after the other, each retried as RETRY_DELAYS_MS says; never throws. */
export async function sendPlan(
  channel: CallbackChannel,
  callback: { url: string; token: string },
  bodies: CallbackBody[],
): Promise<number[]> {
  const statuses: number[] = [];
  for (const body of bodies) {
    for (let attempt = 0; ; attempt++) {
      let status: number;
      try {
        status = await channel.send(callback, body);
      } catch (error) {
        logger.warn({ err: error }, "carrier: callback not sent");
        status = 0;
      }
      if ((status !== 0 && !RETRYABLE(status)) || attempt >= RETRY_DELAYS_MS.length) {
        statuses.push(status);
        break;
      }
      await pause(RETRY_DELAYS_MS[attempt]!);
    }
  }
  return statuses;
}

/** Sends the plan's bodies one after the other after `delayMs`; never throws. */
export function scheduleCallbacks(
  channel: CallbackChannel,
  callback: { url: string; token: string },
  bodies: CallbackBody[],
  delayMs: number,
  onDone?: (statuses: number[]) => void,
): void {
  if (bodies.length === 0) return;
  const timer = setTimeout(() => {
    sendPlan(channel, callback, bodies)
      .then((statuses) => onDone?.(statuses))
      .catch((error: unknown) => logger.warn({ err: error }, "carrier: callback failed"));
  }, delayMs);
  // The worker may stop meanwhile: an owed callback never holds the process open (and the
  // backstop, owed-callbacks.ts, sends it if this process dies first).
  timer.unref();
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
