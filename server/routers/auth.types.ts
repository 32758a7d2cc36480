import { z } from "zod";
import { STAFF_ROLES } from "@/server/domain/roles";

export const ZGetMeResponseSchema = z.discriminatedUnion("signedIn", [
  z.object({ signedIn: z.literal(false) }),
  z.object({
    signedIn: z.literal(true),
    user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(STAFF_ROLES) }),
  }),
]);

const ZSetupToken = z.string().min(1).max(200);

export const ZGetSetupStatusRequestSchema = z.object({ token: ZSetupToken });
export const ZGetSetupStatusResponseSchema = z.object({ valid: z.boolean() });

export const ZCompleteSetupRequestSchema = z.strictObject({
  token: ZSetupToken,
  email: z.email().max(200),
  name: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
});
export const ZCompleteSetupResponseSchema = z.object({ userId: z.string() });
