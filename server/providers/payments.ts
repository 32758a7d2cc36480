import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { simCharges } from "@/db/schema";
import { PermanentError } from "@/server/workflows/kit/errors";
import { callProvider, type ProviderRuntime } from "./runtime";

/** Above this a card is declined: the sample domain's permanent business error. */
export const CARD_LIMIT_CENTS = 500_000;

export interface Charge {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: "captured" | "refunded";
}

/** Card payments: charge once per idempotency key, refund what was charged. */
export function paymentsProvider(rt: ProviderRuntime) {
  const { db } = rt;
  return {
    async getCharge(chargeId: string): Promise<Charge | null> {
      const [row] = await db
        .select({
          id: simCharges.id,
          orderId: simCharges.orderId,
          amountCents: simCharges.amountCents,
          currency: simCharges.currency,
          status: simCharges.status,
        })
        .from(simCharges)
        .where(eq(simCharges.id, chargeId));
      return row ?? null;
    },

    charge(options: {
      orderId: string;
      customerEmail: string;
      amountCents: number;
      currency: string;
      idempotencyKey: string;
      signal?: AbortSignal;
    }) {
      return callProvider(rt, {
        provider: "payments",
        action: "charge",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          if (options.amountCents > CARD_LIMIT_CENTS) {
            throw new PermanentError(
              `The card was declined: ${options.amountCents / 100} ${options.currency} is over its limit.`,
              { code: "card_declined" },
            );
          }
          const id = `ch_${randomBytes(8).toString("hex")}`;
          await tx.insert(simCharges).values({
            id,
            orderId: options.orderId,
            customerEmail: options.customerEmail,
            amountCents: options.amountCents,
            currency: options.currency,
          });
          return { chargeId: id, amountCents: options.amountCents, currency: options.currency };
        },
      });
    },

    /** Refunds a captured charge in full (the compensation of `charge`). */
    refund(options: { chargeId: string; idempotencyKey: string; signal?: AbortSignal }) {
      return callProvider(rt, {
        provider: "payments",
        action: "refund",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const [row] = await tx
            .update(simCharges)
            .set({ status: "refunded", refundedAt: sql`now()` })
            .where(and(eq(simCharges.id, options.chargeId), eq(simCharges.status, "captured")))
            .returning({ amountCents: simCharges.amountCents });
          return { chargeId: options.chargeId, refundedCents: row?.amountCents ?? 0 };
        },
      });
    },
  };
}

export type PaymentsProvider = ReturnType<typeof paymentsProvider>;
