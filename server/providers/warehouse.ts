import { and, eq, inArray, sql } from "drizzle-orm";
import { simOrders, simReservations, simStock } from "@/db/schema";
import { NeedsPersonError, PermanentError } from "@/server/workflows/kit/errors";
import { callProvider, type ProviderRuntime } from "./runtime";

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface ShopOrder {
  id: string;
  status: "open" | "cancelled" | "fulfilled";
  customerEmail: string;
  amountCents: number;
  currency: string;
}

export interface StockShortage {
  sku: string;
  needed: number;
  available: number;
  known: boolean;
}

/**
 * The warehouse and the shop's order book. Orders enter the book when stock is first
 * reserved for them; the shop can cancel one at any time, and fulfilment must notice.
 */
export function warehouseProvider(rt: ProviderRuntime) {
  const { db } = rt;

  async function getOrder(orderId: string): Promise<ShopOrder | null> {
    const [row] = await db
      .select({
        id: simOrders.id,
        status: simOrders.status,
        customerEmail: simOrders.customerEmail,
        amountCents: simOrders.amountCents,
        currency: simOrders.currency,
      })
      .from(simOrders)
      .where(eq(simOrders.id, orderId));
    return row ?? null;
  }

  /** Lines that cannot be served from stock right now (unknown SKUs included). */
  async function shortages(lines: OrderLine[]): Promise<StockShortage[]> {
    const skus = lines.map((l) => l.sku);
    const rows = await db
      .select({ sku: simStock.sku, available: sql<number>`${simStock.onHand} - ${simStock.reserved}` })
      .from(simStock)
      .where(inArray(simStock.sku, skus));
    const available = new Map(rows.map((r) => [r.sku, Number(r.available)]));
    return lines.flatMap((l) => {
      const have = available.get(l.sku);
      if (have !== undefined && have >= l.quantity) return [];
      return [{ sku: l.sku, needed: l.quantity, available: have ?? 0, known: have !== undefined }];
    });
  }

  return {
    getOrder,
    shortages,

    /** Reserves every line, all or nothing, and enters the order in the book as open. */
    reserve(options: {
      order: Omit<ShopOrder, "status">;
      lines: OrderLine[];
      idempotencyKey: string;
      signal?: AbortSignal;
    }) {
      return callProvider(rt, {
        provider: "warehouse",
        action: "reserve",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const { order, lines } = options;
          await tx.insert(simOrders).values(order).onConflictDoNothing();
          const [current] = await tx
            .select({ status: simOrders.status })
            .from(simOrders)
            .where(eq(simOrders.id, order.id))
            .for("update");
          if (current?.status !== "open") {
            throw new PermanentError(`Order ${order.id} is ${current?.status}; nothing was reserved.`, {
              code: `order_${current?.status}`,
            });
          }
          const [held] = await tx
            .select({ id: simReservations.id })
            .from(simReservations)
            .where(and(eq(simReservations.orderId, order.id), eq(simReservations.status, "reserved")))
            .limit(1);
          if (held) {
            // Our own repeats never get here (the ledger answers them): another fulfilment has it.
            throw new PermanentError(`Order ${order.id} is already being fulfilled by another request.`, {
              code: "order_in_progress",
            });
          }
          for (const line of lines) {
            const updated = await tx
              .update(simStock)
              .set({ reserved: sql`${simStock.reserved} + ${line.quantity}`, updatedAt: sql`now()` })
              .where(
                and(
                  eq(simStock.sku, line.sku),
                  sql`${simStock.onHand} - ${simStock.reserved} >= ${line.quantity}`,
                ),
              )
              .returning({ sku: simStock.sku });
            if (updated.length === 0) {
              throw new NeedsPersonError(`Not enough stock of ${line.sku} for order ${order.id}.`, {
                kind: "precondition_failed",
                actionRequired: `Restock ${line.sku} in the warehouse, then resume the operation.`,
                code: "out_of_stock",
              });
            }
          }
          const reservations = await tx
            .insert(simReservations)
            .values(lines.map((l) => ({ orderId: order.id, sku: l.sku, quantity: l.quantity })))
            .returning({ id: simReservations.id });
          return { reservationIds: reservations.map((r) => r.id), lines };
        },
      });
    },

    /** Gives back what was reserved for the order (the compensation of `reserve`). */
    release(options: { orderId: string; idempotencyKey: string; signal?: AbortSignal }) {
      return callProvider(rt, {
        provider: "warehouse",
        action: "release",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const released = await tx
            .update(simReservations)
            .set({ status: "released", releasedAt: sql`now()` })
            .where(and(eq(simReservations.orderId, options.orderId), eq(simReservations.status, "reserved")))
            .returning({ sku: simReservations.sku, quantity: simReservations.quantity });
          for (const r of released) {
            await tx
              .update(simStock)
              .set({ reserved: sql`${simStock.reserved} - ${r.quantity}`, updatedAt: sql`now()` })
              .where(eq(simStock.sku, r.sku));
          }
          return { released: released.length };
        },
      });
    },

    /** The shop cancels an order (the customer changed their mind). */
    async cancelOrder(orderId: string, order?: Omit<ShopOrder, "status" | "id">): Promise<void> {
      await db
        .insert(simOrders)
        .values({
          id: orderId,
          customerEmail: "",
          amountCents: 0,
          currency: "EUR",
          ...order,
          status: "cancelled",
        })
        .onConflictDoUpdate({ target: simOrders.id, set: { status: "cancelled", updatedAt: sql`now()` } });
    },

    /** Puts stock on the shelf (the fix for an out-of-stock block). */
    async restock(sku: string, quantity: number, title = sku): Promise<void> {
      await db
        .insert(simStock)
        .values({ sku, title, onHand: quantity })
        .onConflictDoUpdate({
          target: simStock.sku,
          set: { onHand: sql`${simStock.onHand} + ${quantity}`, updatedAt: sql`now()` },
        });
    },
  };
}

export type WarehouseProvider = ReturnType<typeof warehouseProvider>;
