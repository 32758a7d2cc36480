import { z } from "zod";
import { PROVIDER_RETRY } from "./policies";
import { defineWorkflow } from "./types";

/**
 * Fulfil a customer's order: reserve stock → charge payment → create shipment →
 * email confirmation. (Effects are placeholders until the sample providers exist.)
 */
const STEP_TIMEOUT_MS = 15_000;

export const orderFulfill = defineWorkflow({
  type: "order.fulfill",
  version: 1,
  title: "Fulfil an order",
  description: "Reserves stock, charges the customer, books the shipment and confirms by email.",
  input: z.object({
    orderId: z.string().min(1).max(64),
    customerEmail: z.email(),
    items: z
      .array(z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(100),
    amountCents: z.number().int().min(1),
    currency: z.string().length(3).default("EUR"),
  }),
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
  runbook: "Check the failing provider on the sandbox page; fix it, then resume or replay the step.",
  steps: [
    {
      name: "reserve_stock",
      title: "Reserve stock",
      userText: "Reserving your items",
      effect: { description: "Reserves each item in the warehouse.", run: async () => ({ reserved: true }) },
      compensation: { description: "Releases the reservation.", run: async () => {} },
      retry: PROVIDER_RETRY,
      timeoutMs: STEP_TIMEOUT_MS,
    },
    {
      name: "charge_payment",
      title: "Charge payment",
      userText: "Taking payment",
      effect: { description: "Charges the customer's card.", run: async () => ({ charged: true }) },
      compensation: { description: "Refunds the charge.", run: async () => {} },
      retry: PROVIDER_RETRY,
      timeoutMs: STEP_TIMEOUT_MS,
    },
    {
      name: "create_shipment",
      title: "Create shipment",
      userText: "Booking your delivery",
      effect: { description: "Books the carrier.", run: async () => ({ tracking: "TRK" }) },
      compensation: { none: "A shipment is the last reversible step; cancelling it is manual." },
      retry: PROVIDER_RETRY,
      timeoutMs: STEP_TIMEOUT_MS,
    },
    {
      name: "send_confirmation",
      title: "Email confirmation",
      userText: "Sending your confirmation",
      effect: { description: "Emails the confirmation.", run: async () => ({ sent: true }) },
      compensation: { none: "An email cannot be unsent." },
      retry: PROVIDER_RETRY,
      timeoutMs: STEP_TIMEOUT_MS,
    },
  ],
});
