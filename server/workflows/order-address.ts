import { z } from "zod";
import type { Providers } from "@/server/providers";
import type { EndUserAction } from "./kit/end-user-action";
import type { PreconditionResult } from "./kit/types";

/**
 * order.fulfill's address confirmation (issue 12): an order that names where it goes
 * (`shippingAddress`) and that the risk check flags waits, before it is charged, for the
 * customer to confirm the delivery address on the track page. Orders without a
 * `shippingAddress` — every order accepted before this existed — never ask, so operations in
 * flight keep the meaning they were accepted with.
 */
const line = (max: number) => z.string().trim().min(1).max(max);

export const shippingAddressInput = z.object({
  recipient: line(120),
  street: line(200),
  postalCode: line(20),
  city: line(100),
  country: z.string().length(2),
});

/** The form the end user answers on the track page: exactly these fields, each bounded. */
export const confirmAddressAction: EndUserAction = {
  title: "Confirm your delivery address",
  submitText: "Confirm address",
  waitingFor: "confirm the delivery address",
  fields: {
    recipient: {
      label: "Full name",
      help: "As it should appear on the parcel.",
      schema: line(120),
      autoComplete: "name",
    },
    street: { label: "Street and number", schema: line(200), autoComplete: "street-address" },
    postalCode: { label: "Postcode", schema: line(20), autoComplete: "postal-code" },
    city: { label: "Town or city", schema: line(100), autoComplete: "address-level2" },
    country: {
      label: "Country code",
      help: "Two letters, e.g. DE or GB.",
      schema: z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2}$/, "Two letters, e.g. DE or GB.")
        .transform((c) => c.toUpperCase()),
      autoComplete: "country",
    },
  },
};

export const CONFIRM_ADDRESS_TEXT =
  "confirm your delivery address, so we can take payment and send your order.";

/**
 * Flagged and not yet confirmed → block on the end user; otherwise go on. Re-read each run:
 * the answer (`endUserAnswer`) comes from the step's context, the flags from the risk service.
 */
export async function addressConfirmed(
  providers: Providers,
  input: {
    orderId: string;
    customerEmail: string;
    amountCents: number;
    shippingAddress?: { country: string };
  },
  answer: Record<string, string> | undefined,
): Promise<PreconditionResult> {
  if (!input.shippingAddress || answer) return { ok: true };
  const risk = await providers.risk.assessOrder({
    customerEmail: input.customerEmail,
    amountCents: input.amountCents,
    country: input.shippingAddress.country,
  });
  if (!risk.flagged) return { ok: true };
  return {
    ok: false,
    outcome: "block",
    kind: "awaiting_end_user",
    reason: `The risk check flagged order ${input.orderId}: ${risk.reasons.join(", ")}. The customer confirms the delivery address before the charge.`,
    actionRequired:
      "Wait for the customer to confirm the address on their track page, or confirm it for them here with what they told you.",
  };
}
