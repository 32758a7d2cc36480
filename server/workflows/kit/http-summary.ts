/**
 * What an HTTP effect records about a call (on the attempt's timeline, in the step's output):
 * enough for staff to see what was asked of whom and how it went, nothing that grants access.
 * The URL loses its userinfo and fragment, and every query value whose name looks like a
 * credential is replaced; the body and the headers are never recorded.
 */
export interface HttpSummary {
  method: string;
  /** The URL without userinfo or fragment, credential-like query values as `REDACTED`. */
  url: string;
  /** The answer's status; null when none came (network error, timeout, abort). */
  status: number | null;
  latencyMs: number;
}

/** Query parameter names whose values are secrets (`access_token`, `apiKey`, `X-Amz-Signature`, …). */
const SECRET_NAME = /token|key|secret|sig|passw|pwd|auth|credential|session/i;

export const REDACTED = "REDACTED";

/** The URL as it may be shown and stored; an unparsable one is not echoed at all. */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return "(invalid URL)";
  }
  url.username = "";
  url.password = "";
  url.hash = "";
  // Only the values go: the names stay, so staff still see what was sent.
  const kept = [...url.searchParams].map(([name, value]) => [
    name,
    SECRET_NAME.test(name) ? REDACTED : value,
  ]);
  url.search = kept.length ? `?${new URLSearchParams(kept).toString()}` : "";
  return url.toString();
}

/**
 * A `Retry-After` value as milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110
 * §10.2.3); a date in the past is 0; anything else undefined (the step's backoff applies).
 */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
