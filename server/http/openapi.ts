import { z } from "zod";
import { createDocument } from "zod-openapi";
import {
  ZListOperationsQuerySchema,
  ZOperationListResponseSchema,
  ZOperationResourceSchema,
  ZProblemSchema,
  ZStartOperationRequestSchema,
  ZWorkflowListResponseSchema,
} from "@/server/operations/schemas";
import {
  ZAcknowledgmentRequestSchema,
  ZAcknowledgmentResponseSchema,
  ZCallbackRequestSchema,
  ZHeartbeatResponseSchema,
} from "@/server/waits/schemas";

const problemContent = { "application/problem+json": { schema: ZProblemSchema } };
const problemResponse = (description: string) => ({ description, content: problemContent });
const operationContent = { "application/json": { schema: ZOperationResourceSchema } };
const locationHeader = z.string().meta({ description: "URL of the operation resource." });
const retryAfterHeader = z
  .string()
  .meta({ description: "Seconds to wait before polling again (non-terminal only)." });
// Sent with the operation's answer only while it is not done: optional where a finished one can be read.
const pollHeader = z
  .string()
  .optional()
  .meta({ description: "Seconds to wait before polling again (non-terminal only)." });
const replayedHeader = z
  .literal("true")
  .optional()
  .meta({ description: "Present when this answers the same request again (nothing new was done)." });
const unavailableResponse = (description: string) => ({
  ...problemResponse(description),
  headers: z.object({
    "Retry-After": z.string().meta({ description: "Seconds to wait before trying again." }),
  }),
});
/** What any route may answer (`route()` in server/http/route.ts), whatever it does. */
const serverProblems = {
  "500": problemResponse(
    "Unexpected: quote the incident in `detail` and `instance`; the details are in our logs",
  ),
  "503": unavailableResponse("The database is unreachable or too slow; retry after Retry-After"),
};

/** The OpenAPI 3.1 document, generated from the same zod schemas the API validates with. */
export function openApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Throughline API",
      version: "1.0.0",
      description:
        "Hand Throughline a command and follow the operation it becomes. Long-running operations answer " +
        "`202 Accepted` with a `Location` to poll; errors are RFC 9457 problem details.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key." } },
    },
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/workflows": {
        get: {
          summary: "List workflow types",
          responses: {
            "200": {
              description: "The workflows",
              content: { "application/json": { schema: ZWorkflowListResponseSchema } },
            },
            "401": problemResponse("No or invalid API key"),
            ...serverProblems,
          },
        },
      },
      "/api/v1/operations": {
        post: {
          summary: "Start an operation",
          requestParams: {
            header: z.object({
              "Idempotency-Key": z
                .string()
                .max(255)
                .optional()
                .meta({
                  description:
                    "Same key + same request → the same operation; same key + different request → 422. Kept 24 h or more. " +
                    '"Same request" means the same type, subject and reference and the same input *after validation*: ' +
                    'key order, defaults sent explicitly (e.g. `currency: "EUR"`) and fields the workflow\'s schema ignores do not count; ' +
                    "any other difference in a value does.",
                }),
              traceparent: z
                .string()
                .optional()
                .meta({
                  description:
                    "W3C Trace Context (`version-traceid-parentid-flags`): the operation joins the caller's trace — its " +
                    "`traceId` is this trace id, and its intake span (and every step after it) a child of this parent when " +
                    "Throughline exports traces. Missing or malformed: a new trace. `tracestate` is not kept.",
                  example: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                }),
            }),
          },
          requestBody: { content: { "application/json": { schema: ZStartOperationRequestSchema } } },
          responses: {
            "202": {
              description: "Accepted: durably recorded; poll the Location.",
              headers: z.object({
                Location: locationHeader,
                "Retry-After": retryAfterHeader,
                "Idempotent-Replayed": replayedHeader,
              }),
              content: operationContent,
            },
            "200": {
              description:
                "Finished within its budget (sync workflows), or an idempotent replay of a finished one.",
              headers: z.object({ Location: locationHeader, "Idempotent-Replayed": replayedHeader }),
              content: operationContent,
            },
            "400": problemResponse("Malformed JSON, or the body or input fails validation (see `errors`)"),
            "401": problemResponse("No or invalid API key"),
            "403": problemResponse("The key lacks `operations:write`"),
            "413": problemResponse("Body over the size limit"),
            "415": problemResponse("Body is not JSON"),
            "422": problemResponse(
              "Unknown workflow type, or an Idempotency-Key reused for a different request",
            ),
            "429": {
              ...problemResponse(
                "This key started more operations than its rate limit allows; wait Retry-After seconds",
              ),
              headers: z.object({ "Retry-After": retryAfterHeader }),
            },
            ...serverProblems,
            "503": unavailableResponse(
              "The workflow type is paused by an operator, or the database is unreachable; retry after Retry-After",
            ),
          },
        },
        get: {
          summary: "List operations, newest first",
          requestParams: { query: ZListOperationsQuerySchema },
          responses: {
            "200": {
              description: "A page",
              content: { "application/json": { schema: ZOperationListResponseSchema } },
            },
            "400": problemResponse("Invalid query"),
            "401": problemResponse("No or invalid API key"),
            ...serverProblems,
          },
        },
      },
      "/api/v1/operations/{id}": {
        get: {
          summary: "Get an operation",
          requestParams: { path: z.object({ id: z.string().meta({ description: "Operation id (UUID)." }) }) },
          responses: {
            "200": {
              description: "The operation",
              headers: z.object({ "Retry-After": pollHeader }),
              content: operationContent,
            },
            "401": problemResponse("No or invalid API key"),
            "404": problemResponse("No such operation"),
            ...serverProblems,
          },
        },
      },
      "/api/v1/operations/{id}/steps/{step}/acknowledge": {
        post: {
          summary: "Acknowledge a step that waits for another system",
          description:
            "Completes the step's open wait: `succeeded` with the payload the step declared, or `failed` with a " +
            "class (transient: the effect is tried again; permanent: the operation fails and compensates; " +
            "needs_person: it blocks). The first acknowledgment wins; the same one again answers 200 with " +
            "`Idempotent-Replayed: true`, a different one 409.",
          requestParams: {
            path: z.object({
              id: z.string().meta({ description: "Operation id (UUID)." }),
              step: z.string().meta({ description: "The waiting step's name." }),
            }),
          },
          requestBody: { content: { "application/json": { schema: ZAcknowledgmentRequestSchema } } },
          responses: ackResponses({
            "401": problemResponse("No or invalid API key"),
            "403": problemResponse("The key lacks `operations:write`"),
            "404": problemResponse("No wait of this step on this operation (or not one this key may see)"),
          }),
        },
      },
      "/api/v1/callbacks/{token}": {
        post: {
          summary: "The callback URL a waiting step handed to another system",
          description:
            "No API key: the signed token is the only authority, for one wait of one step of one operation. " +
            'Send an acknowledgment as for the acknowledge endpoint, or `{"status": "heartbeat"}` to extend ' +
            "the heartbeat deadline (never the overall deadline).",
          security: [],
          requestParams: {
            path: z.object({ token: z.string().meta({ description: "The callback token." }) }),
          },
          requestBody: { content: { "application/json": { schema: ZCallbackRequestSchema } } },
          responses: ackResponses({
            "404": problemResponse(
              "Unknown token (forged, truncated and other waits' tokens answer the same)",
            ),
          }),
        },
      },
    },
  });
}

/** The answers every way of acknowledging a wait shares. */
function ackResponses(extra: Record<string, ReturnType<typeof problemResponse>>) {
  return {
    "200": {
      description:
        "Accepted now, or the same acknowledgment again (`replayed: true`); a heartbeat answers its new deadline.",
      headers: z.object({ "Idempotent-Replayed": replayedHeader }),
      content: {
        "application/json": { schema: z.union([ZAcknowledgmentResponseSchema, ZHeartbeatResponseSchema]) },
      },
    },
    "400": problemResponse(
      "Malformed JSON, or the body or the payload fails validation (see `errors`); nothing changed",
    ),
    ...extra,
    "409": problemResponse("The wait was already completed by a different acknowledgment"),
    "410": problemResponse(
      "Past the deadline, or the operation moved on: recorded on its timeline, not applied",
    ),
    "413": problemResponse("Body over the size limit"),
    "415": problemResponse("Body is not JSON"),
    ...serverProblems,
  };
}
