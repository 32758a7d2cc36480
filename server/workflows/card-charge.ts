import { PROVIDER_RETRY, PROVIDER_TIMEOUT_MS } from "./kit/policies";
import type { StepDefinition } from "./kit/types";

/** What a charge needs of a workflow's input. */
interface Chargeable {
  customerEmail: string;
  amountCents: number;
  currency: string;
}

/**
 * The sample workflows' card charge (order.fulfill's `charge_payment`, subscription.start's
 * `charge_first_month`): the payments provider's charge with the step's idempotency key, a full
 * refund as its undo, and the same retry, timeout and words for what may have happened. Each
 * workflow says what is charged for and which of its ids the charge is filed under.
 */
export function cardCharge<TInput extends Chargeable>(options: {
  charges: string;
  refunds: string;
  chargeId: (input: TInput) => string;
}): Pick<
  StepDefinition<TInput>,
  "effect" | "compensation" | "retry" | "timeoutMs" | "unknownOutcomeText" | "errors"
> {
  return {
    effect: {
      description: options.charges,
      run: ({ input, idempotencyKey, signal, providers }) =>
        providers.payments.charge({
          orderId: options.chargeId(input),
          customerEmail: input.customerEmail,
          amountCents: input.amountCents,
          currency: input.currency,
          idempotencyKey,
          signal,
        }),
    },
    compensation: {
      description: options.refunds,
      run: async ({ output, idempotencyKey, signal, providers }) => {
        const { chargeId } = output as { chargeId: string };
        await providers.payments.refund({ chargeId, idempotencyKey, signal });
      },
    },
    retry: PROVIDER_RETRY,
    timeoutMs: PROVIDER_TIMEOUT_MS,
    unknownOutcomeText:
      "The payment provider may have charged the card; resuming repeats the request with the same idempotency key, which does not charge twice.",
    errors: {
      transient: "The payment service is unavailable or its answer was lost.",
      permanent: "The card was declined.",
    },
  };
}
