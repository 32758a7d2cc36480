import { describe, expect, it } from "vitest";
import { eventually } from "@/test/eventually";
import {
  type CallbackBody,
  type CallbackChannel,
  callbackPlan,
  inProcessCallbacks,
  pickupConfirmation,
  scheduleCallbacks,
} from "./carrier-callback";

const booking = { shipmentId: "shp_0a1b2c", trackingNumber: "TRK123" };
const callback = { url: "http://web.test/api/v1/callbacks/tok", token: "tok" };

describe("the carrier's pickup callback", () => {
  it("sends, per mode: one confirmation, the same one twice, a failure, nothing", () => {
    const confirmation = pickupConfirmation(booking);
    expect(confirmation).toEqual({ ...booking, pickupRef: "PU-0a1b2c" });
    const confirm = { status: "succeeded", payload: confirmation };
    expect(callbackPlan("confirm", confirmation)).toEqual([confirm]);
    expect(callbackPlan("duplicate", confirmation)).toEqual([confirm, confirm]);
    expect(callbackPlan("fail", confirmation)).toEqual([
      expect.objectContaining({ status: "failed", errorClass: "needs_person", code: "pickup_failed" }),
    ]);
    expect(callbackPlan("never", confirmation)).toEqual([]);
  });

  it("tries again while the wait is not there yet (404), and stops at the first answer", async () => {
    const answers = [404, 404, 200];
    const sent: CallbackBody[] = [];
    const channel: CallbackChannel = {
      kind: "http",
      send: async (_cb, body) => {
        sent.push(body);
        return answers.shift() ?? 200;
      },
    };
    let statuses: number[] | null = null;
    scheduleCallbacks(channel, callback, callbackPlan("confirm", pickupConfirmation(booking)), 0, (s) => {
      statuses = s;
    });
    await eventually(() => expect(statuses).toEqual([200]));
    expect(sent).toHaveLength(3);
  });

  it("does not try again after a refusal that is final (409, 410, 400)", async () => {
    let calls = 0;
    const channel: CallbackChannel = {
      kind: "http",
      send: async () => {
        calls++;
        return 410;
      },
    };
    let statuses: number[] | null = null;
    scheduleCallbacks(channel, callback, callbackPlan("duplicate", pickupConfirmation(booking)), 0, (s) => {
      statuses = s;
    });
    await eventually(() => expect(statuses).toEqual([410, 410]));
    expect(calls).toBe(2);
  });

  it("answers in-process as the endpoint would", async () => {
    const results = ["accepted", "not_found", "conflict", "gone", "invalid"];
    const channel = inProcessCallbacks({
      acknowledge: async () => ({ type: results.shift()! }),
      heartbeat: async () => ({ type: "ok" }),
    });
    const body: CallbackBody = { status: "succeeded", payload: {} };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await channel.send(callback, body));
    expect(statuses).toEqual([200, 404, 409, 410, 400]);
    expect(await channel.send(callback, { status: "heartbeat" })).toBe(200);
  });
});
