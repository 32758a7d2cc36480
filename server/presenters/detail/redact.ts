/**
 * Inputs and outputs are shown to staff, but secrets in them never are: any value under a
 * key that names a card, password, secret, token, IBAN or similar is replaced, at any depth.
 * Redaction happens in the presenter, so the value never leaves the server.
 */
export const SENSITIVE_KEY =
  /card|password|passwd|secret|token|iban|cvc|cvv|pin\b|ssn|authorization|api[_-]?key/i;
export const REDACTED = "[redacted]";

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SENSITIVE_KEY.test(k) && v !== null && v !== undefined ? REDACTED : redact(v, depth + 1),
      ]),
    );
  }
  return value;
}
