import { z } from "zod";
import { ZCursor } from "./console.types";

/** A track link's token: base64url payload, a dot, base64url signature. */
const ZTrackToken = z.string().min(1).max(200);

export const ZGetTrackRequestSchema = z.object({ token: ZTrackToken });
export const ZWatchTrackRequestSchema = z.object({ token: ZTrackToken, lastEventId: ZCursor.nullish() });

const ZTrackView = z.object({
  state: z.enum(["received", "in_progress", "action_needed", "on_hold", "completed", "failed"]),
  headline: z.string(),
  stages: z.array(
    z.object({
      label: z.string(),
      state: z.enum(["done", "active", "attention", "waiting", "upcoming", "stopped"]),
    }),
  ),
  actionNeeded: z.string().nullable(),
  form: z
    .object({
      title: z.string(),
      submitText: z.string(),
      fields: z.array(
        z.object({
          name: z.string(),
          label: z.string(),
          help: z.string().nullable(),
          autoComplete: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
  estimate: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("remaining"), lowMs: z.number(), highMs: z.number() }),
      z.object({
        kind: z.literal("update_later"),
        reason: z.enum(["little_history", "retrying", "running_late", "waiting"]),
      }),
    ])
    .nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
});

/** Only product language, never an id or an error: a refused link says why in one word. */
export const ZGetTrackResponseSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ok"), view: ZTrackView, cursor: ZCursor }),
  z.object({ type: z.literal("invalid") }),
  z.object({ type: z.literal("expired") }),
]);
