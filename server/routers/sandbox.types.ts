import { z } from "zod";
import { PROVIDERS } from "@/db/schema";

// Stored as float4 (real): a rate like 7e-284 is out of its range and made setFault a 500.
const rate = z
  .number()
  .min(0)
  .max(1)
  .refine((v) => v === 0 || v >= 1e-6, "A rate is 0 or at least one in a million.");
const ZFaultSettings = z.object({
  provider: z.enum(PROVIDERS),
  latencyMs: z.number().int().min(0).max(120_000),
  transientErrorRate: rate,
  permanentErrorRate: rate,
  loseAnswerRate: rate,
});

export const ZListFaultsResponseSchema = z.object({
  providers: z.array(ZFaultSettings.extend({ updatedAt: z.date().nullable() })),
});
export const ZSetFaultRequestSchema = ZFaultSettings.strict();
export const ZSetFaultResponseSchema = ZFaultSettings.extend({ updatedAt: z.date().nullable() });
export const ZResetFaultsResponseSchema = z.object({ ok: z.literal(true) });

// The sandbox's controls over the simulated world (SANDBOX_CONTROLS): bounded like the order's items.
export const ZRestockRequestSchema = z.strictObject({
  sku: z.string().trim().min(1).max(64),
  quantity: z.number().int().min(1).max(1000),
});
export const ZCancelShopOrderRequestSchema = z.strictObject({ orderId: z.string().trim().min(1).max(64) });
/** How many blocked operations were asked to check again at once. */
export const ZSandboxControlResponseSchema = z.object({ rechecks: z.number().int() });
