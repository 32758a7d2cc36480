import { z } from "zod";
import { PROVIDERS } from "@/db/schema";

const rate = z.number().min(0).max(1);
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
