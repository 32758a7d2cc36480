import { z } from "zod";
import type { Providers } from "@/server/providers";
import { cardCharge } from "./card-charge";
import { PROVIDER_RETRY, PROVIDER_TIMEOUT_MS } from "./kit/policies";
import { defineWorkflow, type PreconditionResult } from "./kit/types";
import {
  addressConfirmed,
  CONFIRM_ADDRESS_TEXT,
  confirmAddressAction,
  shippingAddressInput,
} from "./order-address";

/**
 * Fulfil a customer's order: reserve stock → charge payment → create shipment → email
 * confirmation. Until the shipment is booked everything can be undone: a failure (a
 * declined card, an order cancelled by the shop meanwhile) releases the stock and refunds
 * the charge, latest first. Each step re-reads the shop's order book before acting.
 */
/** Out of stock this long, the automatic re-checks stop and a person takes the order over. */
const STOCK_HAND_OVER_MS = 4 * 60 * 60_000;
/** No pickup confirmation this long after booking: a person calls the carrier. */
const PICKUP_DEADLINE_MS = 5 * 60_000;
/** The carrier's pickup confirmation; it becomes the step's output, so it carries the booking's fields. */
const pickupAcknowledgment = z.object({
  shipmentId: z.string().min(1).max(64),
  trackingNumber: z.string().min(1).max(64),
  pickupRef: z.string().min(1).max(64),
});

const input = z.object({
  orderId: z.string().min(1).max(64),
  customerEmail: z.email().max(254),
  items: z
    .array(z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(100),
  // Bounded: a provider stores it in a 32-bit integer (issue 15 hole 4); 10 million in cents.
  amountCents: z.number().int().min(1).max(1_000_000_000),
  currency: z.string().length(3).default("EUR"),
  /** Optional: an order that names it is confirmed by the customer when flagged (./order-address.ts). */
  shippingAddress: shippingAddressInput.optional(),
});
type Input = z.output<typeof input>;

/** A cancelled order fails cleanly (what was done is undone); a fulfilled one was someone else's. */
async function orderStillOpen(providers: Providers, { orderId }: Input): Promise<PreconditionResult> {
  const order = await providers.warehouse.getOrder(orderId);
  if (order?.status === "cancelled") {
    return { ok: false, outcome: "fail", reason: `The shop cancelled order ${orderId}.` };
  }
  if (order?.status === "fulfilled") {
    return {
      ok: false,
      outcome: "fail",
      reason: `Order ${orderId} was already fulfilled by another request.`,
    };
  }
  return { ok: true };
}

export const orderFulfill = defineWorkflow({
  type: "order.fulfill",
  version: 1,
  title: "Fulfil an order",
  description:
    "Reserves stock, charges the customer, books the shipment, waits for the carrier to confirm pickup and confirms by email.",
  input,
  exampleInput: {
    orderId: "ord_1001",
    customerEmail: "ada@example.com",
    items: [{ sku: "BOOK-42", quantity: 1 }],
    amountCents: 2599,
    currency: "EUR",
  },
  completion: { mode: "staged" },
  text: {
    accepted: "We've received your order.",
    completed: "Your order is on its way.",
    failed: "We couldn't complete your order. Any payment has been refunded.",
  },
  objective: { p95Ms: 60_000 },
  stuckAfterMs: 10 * 60_000,
  runbook: [
    "Blocked on stock: nothing to do at first. The stock is checked again by itself (after 30 s, 2 min, 10 min, then every 30 min, and at once when the sandbox's Restock puts stock on the shelf or its Cancel order in the shop cancels the order) and the order continues when it is there. After 4 hours a person takes over: use Restock on the sandbox page, or Cancel the operation, then Resume.",
    'Blocked on an unknown item: checked again the same way; adding it to the catalogue with Restock on the sandbox page (a new SKU) continues it; or Cancel the operation. Never Skip "Reserve stock": the order would be charged and shipped without stock.',
    "Waiting for the customer (a flagged order with a shipping address): they confirm the delivery address on their track page and the order goes on by itself; if they tell you instead (phone, email), confirm it for them on the operation's page with a reason.",
    "Waiting for the carrier to confirm pickup: the carrier calls back by itself within seconds. Blocked past the 5-minute deadline, or because the carrier said it could not collect: ask the carrier; if they collected it, complete the wait by hand (the operation's page) with their pickup reference and tracking number, else resume to book the pickup again. On the sandbox page, Carrier callback sets how the carrier answers, and Waiting for an acknowledgment answers for it.",
    "Retries exhausted: check the failing provider's faults on the sandbox page, fix them, then resume.",
    "A failed order has had its stock released and its charge refunded: check the timeline's compensations.",
  ].join("\n"),
  steps: [
    {
      name: "reserve_stock",
      title: "Reserve stock",
      userText: "Reserving your items",
      guards:
        "that every item exists and is in stock; skipped, the customer is charged and a shipment booked for items nobody reserved.",
      // True because of precondition.recheck below: the stock is checked again by itself, and
      // a person takes over at the hand-over time (STOCK_HAND_OVER_MS).
      userWaitText:
        "One of your items is out of stock right now. We'll continue automatically as soon as it's back in stock; if it isn't back within 4 hours, a person of our team will look at your order. You don't need to do anything, and we'll update you here.",
      precondition: {
        description: "The order is still open in the shop, and every item is known and in stock.",
        recheck: {
          everyMs: [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000],
          handOverAfterMs: STOCK_HAND_OVER_MS,
          on: ["warehouse.stock", "shop.orders"],
          handOverAction: "Restock the items (Restock on the sandbox page) or cancel the order, then resume.",
        },
        async check({ input, providers }) {
          const open = await orderStillOpen(providers, input);
          if (!open.ok) return open;
          const short = await providers.warehouse.shortages(input.items);
          const unknown = short.filter((s) => !s.known).map((s) => s.sku);
          if (unknown.length > 0) {
            return {
              ok: false,
              outcome: "block",
              kind: "invalid_input",
              reason: `The warehouse does not stock ${unknown.join(", ")}.`,
              actionRequired:
                "Add the items to the catalogue (Restock on the sandbox page), then resume; or cancel the order.",
              // Adding the item to the catalogue (Restock) clears it like a restock: the same re-checks.
              recheck: true,
            };
          }
          if (short.length > 0) {
            const lines = short.map((s) => `${s.sku} (${s.needed} needed, ${s.available} available)`);
            return {
              ok: false,
              outcome: "block",
              kind: "precondition_failed",
              reason: `Not enough stock: ${lines.join(", ")}.`,
              actionRequired: "Restock the items in the warehouse, then resume.",
              recheck: true,
            };
          }
          return { ok: true };
        },
      },
      effect: {
        description: "Reserves every item in the warehouse, all or nothing, and opens the order in the shop.",
        run: ({ input, idempotencyKey, signal, providers }) =>
          providers.warehouse.reserve({
            order: {
              id: input.orderId,
              customerEmail: input.customerEmail,
              amountCents: input.amountCents,
              currency: input.currency,
            },
            lines: input.items,
            idempotencyKey,
            signal,
          }),
      },
      compensation: {
        description: "Releases the reserved stock.",
        run: async ({ input, idempotencyKey, signal, providers }) => {
          await providers.warehouse.release({ orderId: input.orderId, idempotencyKey, signal });
        },
      },
      retry: PROVIDER_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The warehouse may have reserved the stock; resuming repeats the reservation with the same idempotency key, which does not reserve twice.",
      errors: {
        transient: "The warehouse is unavailable or its answer was lost.",
        permanent: "The order was cancelled, or another request is already fulfilling it.",
        needs_person: "An item ran out of stock between the check and the reservation.",
      },
    },
    {
      name: "charge_payment",
      title: "Charge payment",
      userText: "Taking payment",
      guards:
        "that the order is paid; skipped, nothing is charged and the shipment step stops on the missing charge, unless the output names a captured one.",
      // A flagged order with a shipping address waits here for the customer (./order-address.ts).
      userActionText: CONFIRM_ADDRESS_TEXT,
      endUserAction: confirmAddressAction,
      precondition: {
        description:
          "The order has not been cancelled since the stock was reserved; a flagged order's customer has confirmed the delivery address.",
        async check({ input, providers, endUserAnswer }) {
          const open = await orderStillOpen(providers, input);
          return open.ok ? addressConfirmed(providers, input, endUserAnswer) : open;
        },
      },
      ...cardCharge<Input>({
        charges: "Charges the customer's card for the order total.",
        refunds: "Refunds the charge in full.",
        chargeId: (input) => input.orderId,
      }),
    },
    {
      name: "create_shipment",
      title: "Create shipment",
      userText: "Booking your delivery",
      guards:
        "a booked shipment and its tracking number; skipped, the confirmation email is sent with whatever tracking number the output gives.",
      userWaitText:
        "We're checking your payment or the pickup with the carrier before your parcel goes out. Our team is on it; we'll update you here.",
      precondition: {
        description: "The order is still open and its charge has not been refunded.",
        async check({ input, outputs, providers }) {
          const order = await providers.warehouse.getOrder(input.orderId);
          if (order?.status === "cancelled") {
            return { ok: false, outcome: "fail", reason: `The shop cancelled order ${input.orderId}.` };
          }
          const { chargeId } = outputs.charge_payment as { chargeId: string };
          const charge = await providers.payments.getCharge(chargeId);
          if (charge?.status !== "captured") {
            return {
              ok: false,
              outcome: "block",
              kind: "precondition_failed",
              reason: `Charge ${chargeId} is ${charge?.status ?? "missing"}: the order is not paid.`,
              actionRequired:
                "Check the payment with the customer; replay the charge step or cancel the order.",
            };
          }
          return { ok: true };
        },
      },
      effect: {
        description:
          "Books the carrier and gets a tracking number (the shop marks the order fulfilled), and hands the carrier our callback to confirm the pickup.",
        run: ({ input, idempotencyKey, signal, providers, callback }) =>
          providers.carrier.createShipment({ orderId: input.orderId, idempotencyKey, signal, callback }),
      },
      // The carrier confirms the pickup later, by callback (server/providers/carrier-callback.ts).
      // Declared in place, not as a version 2: the steps, their names and keys and the external
      // effect are v1's, and the acknowledgment carries the effect's own output fields
      // (shipmentId, trackingNumber) that send_confirmation reads — see docs/workflows.md.
      wait: {
        target: "carrier",
        waitingFor: "the carrier to confirm pickup",
        userText: "The carrier is confirming the pickup of your parcel.",
        deadlineMs: PICKUP_DEADLINE_MS,
        acknowledgment: pickupAcknowledgment,
        onDeadline: {
          block: {
            actionRequired:
              "Ask the carrier whether they collected the parcel: if so, complete the wait by hand with their pickup reference and the tracking number; if not, resume to book the pickup again.",
          },
        },
      },
      compensation: {
        none: "A booked shipment is the point of no return: from here a cancellation is a return, handled by support.",
      },
      retry: PROVIDER_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The carrier may have booked the shipment; resuming repeats the booking with the same idempotency key, which does not book a second one.",
      errors: {
        transient: "The carrier is unavailable or its answer was lost.",
        needs_person: "The carrier reported it could not collect the parcel.",
      },
    },
    {
      name: "send_confirmation",
      title: "Email confirmation",
      userText: "Sending your confirmation",
      effect: {
        description: "Emails the customer their tracking number.",
        run: ({ input, outputs, idempotencyKey, signal, providers }) => {
          const { trackingNumber } = outputs.create_shipment as { trackingNumber: string };
          return providers.email.send({
            to: input.customerEmail,
            subject: `Your order ${input.orderId} is on its way`,
            body: `Track your parcel with ${trackingNumber}.`,
            idempotencyKey,
            signal,
          });
        },
      },
      compensation: { none: "An email cannot be unsent." },
      retry: PROVIDER_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The email service may have sent the confirmation; resuming repeats the request with the same idempotency key, which does not send it twice.",
      errors: { transient: "The email service is unavailable or its answer was lost." },
    },
  ],
});
