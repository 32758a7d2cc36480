import type { components } from "./schema";

/** RFC 9457 problem details, as every 4xx/5xx of the API carries them. */
export type Problem = components["schemas"]["Problem"];

/**
 * The problem types the API answers with (`type` is `/problems/<name>`). The OpenAPI document
 * types `type` as a plain string, so the list is kept here; client/schema.test.ts checks it
 * against the server's own list.
 */
export const PROBLEM_TYPES = [
  "unauthorized",
  "forbidden",
  "not-found",
  "malformed-json",
  "invalid-request",
  "invalid-input",
  "unknown-workflow",
  "idempotency-conflict",
  "unsupported-media-type",
  "payload-too-large",
  "method-not-allowed",
  "rate-limited",
  "acknowledgment-conflict",
  "gone",
  "unavailable",
  "internal",
] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/** A 4xx/5xx answer of the API, with its problem details. */
export class ThroughlineApiError extends Error {
  override readonly name = "ThroughlineApiError";
  /** The HTTP status. */
  readonly status: number;
  /** The problem details the server sent (or, for a body that was none, one built from the status). */
  readonly problem: Problem;
  /** `unknown-workflow` for `/problems/unknown-workflow`; null for a type this client does not know. */
  readonly problemType: ProblemType | null;
  /** The answer's Retry-After in seconds (429, 503), else null. */
  readonly retryAfterS: number | null;

  constructor(response: Response, body: unknown) {
    const problem = asProblem(body, response);
    super(`${response.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.status = response.status;
    this.problem = problem;
    const name = problem.type.replace(/^\/problems\//, "");
    this.problemType = (PROBLEM_TYPES as readonly string[]).includes(name) ? (name as ProblemType) : null;
    this.retryAfterS = retryAfterSeconds(response.headers.get("retry-after"));
  }

  /** Whether this is the given problem, e.g. `error.is("idempotency-conflict")`. */
  is(type: ProblemType): boolean {
    return this.problemType === type;
  }
}

/** `waitForOperation` gave up: the time ran out, or the operation finished in another status. */
export class OperationWaitError extends Error {
  override readonly name = "OperationWaitError";
  constructor(
    readonly reason: "timeout" | "finished",
    /** The operation as last read. */
    readonly operation: components["schemas"]["Operation"],
  ) {
    super(
      reason === "timeout"
        ? `operation ${operation.id} is still ${operation.status}`
        : `operation ${operation.id} finished as ${operation.status}`,
    );
  }
}

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

function asProblem(body: unknown, response: Response): Problem {
  if (
    typeof body === "object" &&
    body !== null &&
    typeof (body as Problem).type === "string" &&
    typeof (body as Problem).title === "string"
  ) {
    return body as Problem;
  }
  // Not ours (a proxy's HTML page, an empty body): still an error the caller can read.
  return {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(typeof body === "string" && body !== "" ? { detail: body.slice(0, 500) } : {}),
  };
}
