import type { FieldIssue } from "@/server/operations/issues";

/** RFC 9457 problem types this API answers with, one per kind of refusal. */
export const PROBLEMS = {
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Not allowed" },
  "not-found": { status: 404, title: "Not found" },
  "malformed-json": { status: 400, title: "Malformed JSON" },
  "invalid-request": { status: 400, title: "Invalid request" },
  "invalid-input": { status: 400, title: "Invalid input" },
  "unknown-workflow": { status: 422, title: "Unknown workflow type" },
  "idempotency-conflict": { status: 422, title: "Idempotency key reused with a different request" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "payload-too-large": { status: 413, title: "Request body too large" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  "rate-limited": { status: 429, title: "Too many requests" },
  "acknowledgment-conflict": { status: 409, title: "Already acknowledged differently" },
  gone: { status: 410, title: "No longer accepted" },
  unavailable: { status: 503, title: "Service unavailable" },
  internal: { status: 500, title: "Internal error" },
} as const;
export type ProblemType = keyof typeof PROBLEMS;

export interface ProblemOptions {
  detail?: string;
  errors?: FieldIssue[];
  instance?: string;
  headers?: Record<string, string>;
}

export function problem(type: ProblemType, options: ProblemOptions = {}): Response {
  const { status, title } = PROBLEMS[type];
  const body = {
    type: `/problems/${type}`,
    title,
    status,
    ...(options.detail ? { detail: options.detail } : {}),
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.errors ? { errors: options.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...options.headers },
  });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
