import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { simOrders, simShipments } from "@/db/schema";
import { logger } from "@/server/logger";
import { callbackPlan, pickupConfirmation, readCallbackSettings } from "./carrier-callback";
import { oweCallbacks } from "./owed-callbacks";
import { callProvider, type ProviderRuntime } from "./runtime";

/**
 * The delivery company: books a shipment and hands back a tracking number; given a callback,
 * it confirms the pickup later by calling it, as the sandbox's callback settings say
 * (./carrier-callback.ts).
 */
export function carrierProvider(rt: ProviderRuntime) {
  return {
    async createShipment(options: {
      orderId: string;
      idempotencyKey: string;
      signal?: AbortSignal;
      /** Where to confirm the pickup (a waiting step's `ctx.callback`). */
      callback?: { url: string; token: string };
    }) {
      const booking = await callProvider(rt, {
        provider: "carrier",
        action: "create_shipment",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const id = `shp_${randomBytes(6).toString("hex")}`;
          const trackingNumber = `TRK${randomBytes(5).toString("hex").toUpperCase()}`;
          await tx.insert(simShipments).values({ id, orderId: options.orderId, trackingNumber });
          // The booking is what the shop's order book records as fulfilment.
          await tx
            .update(simOrders)
            .set({ status: "fulfilled", updatedAt: sql`now()` })
            .where(eq(simOrders.id, options.orderId));
          return { shipmentId: id, trackingNumber };
        },
      });
      if (options.callback) await owePickupCallback(rt, options.callback, booking);
      return booking;
    },

    /** The confirmation the carrier sends for an order's booking (the sandbox prefills a hand-fired one with it). */
    async pickupConfirmationFor(orderId: string) {
      const [row] = await rt.db
        .select({ shipmentId: simShipments.id, trackingNumber: simShipments.trackingNumber })
        .from(simShipments)
        .where(eq(simShipments.orderId, orderId))
        .limit(1);
      return row ? pickupConfirmation(row) : null;
    },
  };
}

export type CarrierProvider = ReturnType<typeof carrierProvider>;

/** Every call with a callback schedules its own: only the attempt that committed has a live token. */
async function owePickupCallback(
  rt: ProviderRuntime,
  callback: { url: string; token: string },
  booking: { shipmentId: string; trackingNumber: string },
): Promise<void> {
  if (!rt.callbacks) {
    logger.warn("carrier: no callback channel in this process, the pickup is never confirmed");
    return;
  }
  const settings = await readCallbackSettings(rt.db);
  const bodies = callbackPlan(settings.mode, pickupConfirmation(booking));
  await oweCallbacks(rt.db, rt.callbacks, callback, bodies, settings.delayMs);
}
