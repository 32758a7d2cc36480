import { z } from "zod";
import { BLOCK_KINDS, OPERATION_STATUSES, STEP_STATUSES } from "@/server/domain/statuses";
import { jsonFits } from "./json-size";

/**
 * The public contract, defined once: the HTTP API validates with these, tRPC
 * declares them as input/output, and the OpenAPI document is generated from them.
 */

/** The largest workflow input accepted, in characters of JSON. */
export const MAX_INPUT_CHARS = 64 * 1024;

const shortText = (max: number) => z.string().trim().min(1).max(max);

export const ZStartOperationRequestSchema = z
  .object({
    type: shortText(100).meta({
      description: "Workflow type, e.g. `order.fulfill`.",
      example: "order.fulfill",
    }),
    // Capped before the workflow's schema sees it: tRPC has no body limit of its own.
    input: z
      .record(z.string().max(100), z.unknown())
      .refine((v) => jsonFits(v, MAX_INPUT_CHARS), `The input is larger than ${MAX_INPUT_CHARS / 1024} KB.`)
      .meta({ description: "Validated against the workflow's input schema; at most 64 KB of JSON." }),
    subject: shortText(200)
      .nullish()
      .meta({ description: "The end user this is for (customer id or email).", example: "ada@example.com" }),
    reference: shortText(200)
      .nullish()
      .meta({ description: "A business reference, e.g. an order number.", example: "ord_1001" }),
  })
  .strict()
  .meta({ id: "StartOperationRequest" });

export const ZIdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII, no spaces");

const ZStepResourceSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    status: z.enum(STEP_STATUSES),
    attempts: z.number().int(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: "Step" });

export const ZOperationResourceSchema = z
  .object({
    id: z.uuid(),
    type: z.string(),
    version: z.number().int(),
    status: z.enum(OPERATION_STATUSES),
    done: z.boolean().meta({ description: "True only for `completed` and `failed`." }),
    statusText: z.string().meta({ description: "The product-language line shown to the end user." }),
    subject: z.string().nullable(),
    reference: z.string().nullable(),
    steps: z.array(ZStepResourceSchema),
    blocked: z
      .object({ kind: z.enum(BLOCK_KINDS), reason: z.string(), actionRequired: z.string() })
      .optional(),
    error: z
      .object({
        message: z.string(),
        code: z.string().optional(),
        step: z.string().optional(),
        incidentId: z
          .string()
          .optional()
          .meta({ description: "An unexpected error's incident: quote it; the details are in our logs." }),
      })
      .optional(),
    result: z.unknown().optional(),
    traceId: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    links: z.object({ self: z.string(), track: z.string() }),
  })
  .meta({ id: "Operation" });
export type OperationResource = z.infer<typeof ZOperationResourceSchema>;

export const ZListOperationsQuerySchema = z.object({
  status: z.enum(OPERATION_STATUSES).optional(),
  type: z.string().max(100).optional(),
  subject: z.string().max(200).optional(),
  reference: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.uuid().optional().meta({ description: "The `next` value of the previous page." }),
});

export const ZOperationListResponseSchema = z
  .object({ items: z.array(ZOperationResourceSchema), next: z.string().nullable() })
  .meta({ id: "OperationList" });

export const ZWorkflowSchema = z
  .object({
    type: z.string(),
    version: z.number().int(),
    title: z.string(),
    description: z.string(),
    completion: z.union([
      z.object({ mode: z.literal("staged") }),
      z.object({ mode: z.literal("sync"), budgetMs: z.number().int() }),
    ]),
    steps: z.array(z.object({ name: z.string(), title: z.string() })),
    inputSchema: z.record(z.string(), z.unknown()),
    exampleInput: z.unknown(),
  })
  .meta({ id: "Workflow" });
export const ZWorkflowListResponseSchema = z.object({ workflows: z.array(ZWorkflowSchema) });

export const ZProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details." });
