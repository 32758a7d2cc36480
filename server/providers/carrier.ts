import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { simOrders, simShipments } from "@/db/schema";
import { callProvider, type ProviderRuntime } from "./runtime";

/** The delivery company: books a shipment and hands back a tracking number. */
export function carrierProvider(rt: ProviderRuntime) {
  return {
    createShipment(options: { orderId: string; idempotencyKey: string; signal?: AbortSignal }) {
      return callProvider(rt, {
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
    },
  };
}

export type CarrierProvider = ReturnType<typeof carrierProvider>;
