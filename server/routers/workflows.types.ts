import { z } from "zod";
import { SYNTHETIC_OUTCOMES } from "@/server/domain/alerts";

const ZSummary = z.object({
  type: z.string(),
  title: z.string(),
  description: z.string(),
  latestVersion: z.number().int(),
  completion: z.string(),
  versions: z.array(
    z.object({ version: z.number().int(), registered: z.boolean(), inFlight: z.number().int() }),
  ),
  successRate: z.number().nullable(),
  finished24h: z.number().int(),
  lagP50Ms: z.number().nullable(),
  lagP95Ms: z.number().nullable(),
  objectiveP95Ms: z.number(),
  synthetic: z
    .object({
      everyMs: z.number(),
      runs: z.array(
        z.object({
          startedAt: z.date(),
          outcome: z.enum(SYNTHETIC_OUTCOMES).nullable(),
          visibleMs: z.number().nullable(),
          error: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
});

export const ZListWorkflowSummariesResponseSchema = z.object({ workflows: z.array(ZSummary) });

export const ZGetWorkflowStoryRequestSchema = z.object({ type: z.string().min(1).max(100) });
const ZStory = z.object({
  type: z.string(),
  version: z.number().int(),
  title: z.string(),
  description: z.string(),
  completion: z.string(),
  objective: z.string(),
  stuckAfter: z.string(),
  runbook: z.string(),
  text: z.object({ accepted: z.string(), completed: z.string(), failed: z.string() }),
  steps: z.array(
    z.object({
      position: z.number().int(),
      name: z.string(),
      title: z.string(),
      userText: z.string(),
      userActionText: z.string().nullable(),
      userWaitText: z.string().nullable(),
      unknownOutcomeText: z.string().nullable(),
      precondition: z.string().nullable(),
      effect: z.string(),
      compensation: z.object({ kind: z.enum(["undo", "none"]), text: z.string() }),
      retry: z.string(),
      onExhausted: z.enum(["block", "fail"]),
      timeout: z.string(),
      errors: z.array(z.object({ errorClass: z.string(), text: z.string() })),
    }),
  ),
  alerts: z.array(z.string()),
});
export const ZGetWorkflowStoryResponseSchema = z.object({ summary: ZSummary, stories: z.array(ZStory) });
