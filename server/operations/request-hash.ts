import { createHash } from "node:crypto";

/** JSON with object keys sorted, so the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * The fingerprint an idempotency key is bound to: the same key with another
 * fingerprint is a different request and is refused.
 */
export function requestHash(request: {
  type: string;
  input: unknown;
  subject?: string | null;
  reference?: string | null;
}): string {
  const canonical = canonicalJson({
    type: request.type,
    input: request.input,
    subject: request.subject ?? null,
    reference: request.reference ?? null,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
