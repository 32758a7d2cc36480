import { z } from "zod";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { WAIT_KINDS } from "@/server/domain/waits";
import { ZBlockKind, ZCursor, ZStatus } from "./console.types";

const ZCounts = z.record(z.enum(OPERATION_STATUSES), z.number().int());
const ZLagStats = z.object({
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  count: z.number().int(),
});
const ZLagPoint = ZLagStats.extend({ t: z.date() });

export const ZGetDashboardResponseSchema = z.object({
  cursor: ZCursor,
  generatedAt: z.date(),
  types: z.array(
    z.object({
      type: z.string(),
      title: z.string(),
      counts: ZCounts,
      stuck: z.number().int(),
      retryExhausted: z.object({ blocked: z.number().int(), failed24h: z.number().int() }),
      lag: z.object({ hour: ZLagStats, day: ZLagStats }),
      lagSeries: z.object({ hour: z.array(ZLagPoint), day: z.array(ZLagPoint) }),
      objectiveP95Ms: z.number().nullable(),
    }),
  ),
  totals: ZCounts,
  inbox: z.object({
    groups: z.array(
      z.object({
        cause: z.string(),
        type: z.string(),
        kind: ZBlockKind,
        step: z.string(),
        count: z.number().int(),
        firstSeen: z.date(),
        lastSeen: z.date(),
        reason: z.string(),
        actionRequired: z.string(),
      }),
    ),
    more: z.boolean(),
  }),
  waits: z.array(
    z.object({
      type: z.string(),
      target: z.string(),
      kind: z.enum(WAIT_KINDS),
      waiting: z.number().int(),
      oldestSince: z.date(),
      overdue: z.number().int(),
    }),
  ),
  stuck: z.object({
    count: z.number().int(),
    atLeast: z.boolean(),
    items: z.array(
      z.object({
        id: z.uuid(),
        type: z.string(),
        status: ZStatus,
        reference: z.string().nullable(),
        currentStep: z.string().nullable(),
        since: z.date(),
        thresholdMs: z.number(),
      }),
    ),
  }),
  throughput: z.array(
    z.object({
      t: z.date(),
      accepted: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      jobs: z.number().int(),
    }),
  ),
  queue: z
    .object({
      ready: z.number().int(),
      deferred: z.number().int(),
      active: z.number().int(),
      oldestReadyMs: z.number().nullable(),
      dead: z.number().int(),
      jobsPerMinute: z.array(z.number().int()),
    })
    .nullable(),
  system: z.object({ postgresVersion: z.string(), migration: z.string(), workersOnline: z.number().int() }),
});
