import { z } from "zod";
import { ZCursor } from "./console.types";

/** tRPC's httpSubscriptionLink sends back the last tracked id as `lastEventId` on reconnect. */
export const ZWatchChangesRequestSchema = z.object({ lastEventId: ZCursor.nullish() });
export const ZWatchOperationRequestSchema = z.object({ id: z.uuid(), lastEventId: ZCursor.nullish() });
