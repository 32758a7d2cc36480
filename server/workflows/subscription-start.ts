import { z } from "zod";
import { cardCharge } from "./card-charge";
import { PROVIDER_RETRY, PROVIDER_TIMEOUT_MS } from "./kit/policies";
import { defineWorkflow } from "./kit/types";

/**
 * Start a subscription: the first month is charged only after a two-minute cooling-off window
 * (a durable timer: no worker waits, the customer may still cancel, an operator may "run now"),
 * then the welcome email goes out. Cancelling inside the window charges nothing.
 */
const COOLING_OFF_MS = 2 * 60_000;

const input = z.object({
  subscriptionId: z.string().min(1).max(64),
  customerEmail: z.email().max(254),
  plan: z.enum(["basic", "plus", "pro"]),
  amountCents: z.number().int().min(1).max(1_000_000_000),
  currency: z.string().length(3).default("EUR"),
});

export const subscriptionStart = defineWorkflow({
  type: "subscription.start",
  version: 1,
  title: "Start a subscription",
  description: "Charges the first month after a two-minute cooling-off window, then sends the welcome email.",
  input,
  exampleInput: {
    subscriptionId: "sub_1001",
    customerEmail: "ada@example.com",
    plan: "plus",
    amountCents: 1299,
    currency: "EUR",
  },
  completion: { mode: "staged" },
  text: {
    accepted: "We've received your subscription.",
    completed: "Your subscription is active. Welcome!",
    failed: "We couldn't start your subscription. Any payment has been refunded.",
  },
  // The cooling-off window is part of the promise: the objective counts it.
  objective: { p95Ms: COOLING_OFF_MS + 60_000 },
  // Waiting out the window is not "stuck" (the stuck rule skips a timer before it is due).
  stuckAfterMs: 10 * 60_000,
  runbook: [
    "Scheduled: the first charge waits out the two-minute cooling-off window; nothing to do. Run now (with a reason) only when the customer asked not to wait.",
    "Retries exhausted: check the payment provider's faults on the sandbox page, fix them, then resume.",
    "A failed subscription has had its charge refunded: check the timeline's compensations.",
  ].join("\n"),
  steps: [
    {
      name: "charge_first_month",
      title: "Charge the first month",
      userText: "Taking the first payment",
      timer: {
        waitingFor: "the customer's two-minute cooling-off window to end",
        userText:
          "Your first payment will be taken after a two-minute cooling-off window; you can still cancel.",
        delayMs: COOLING_OFF_MS,
      },
      ...cardCharge<z.output<typeof input>>({
        charges: "Charges the customer's card for the first month, once the cooling-off window is over.",
        refunds: "Refunds the first month in full.",
        chargeId: (input) => input.subscriptionId,
      }),
    },
    {
      name: "send_welcome",
      title: "Send the welcome email",
      userText: "Sending your welcome email",
      effect: {
        description: "Emails the customer that the subscription is active.",
        run: ({ input, idempotencyKey, signal, providers }) =>
          providers.email.send({
            to: input.customerEmail,
            subject: "Your subscription is active",
            body: `Welcome to the ${input.plan} plan.`,
            idempotencyKey,
            signal,
          }),
      },
      compensation: { none: "An email cannot be unsent; it is the last step, so nothing after it can fail." },
      retry: PROVIDER_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The email may have been sent; resuming sends with the same idempotency key, which does not send twice.",
      errors: { transient: "The email service is unavailable or its answer was lost." },
    },
  ],
});
