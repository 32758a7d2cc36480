import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted, so the same request always hashes the same. Written with an
 * explicit stack rather than recursion: a body nested thousands of levels deep (the body reader
 * caps depth, but this is also called on values that never passed through it) must not
 * overflow the call stack.
 */
export function canonicalJson(root: unknown): string {
  const out: string[] = [];
  // Each item is either a value still to write or a literal piece of punctuation.
  const work: ({ value: unknown } | { text: string })[] = [{ value: root }];
  while (work.length > 0) {
    const item = work.pop()!;
    if ("text" in item) {
      out.push(item.text);
      continue;
    }
    const value = item.value;
    if (
      value === null ||
      typeof value !== "object" ||
      typeof (value as { toJSON?: unknown }).toJSON === "function"
    ) {
      out.push(JSON.stringify(value) ?? "null");
      continue;
    }
    const pieces: ({ value: unknown } | { text: string })[] = [];
    if (Array.isArray(value)) {
      pieces.push({ text: "[" });
      value.forEach((v, i) => {
        if (i > 0) pieces.push({ text: "," });
        pieces.push({ value: v === undefined || typeof v === "function" ? null : v });
      });
      pieces.push({ text: "]" });
    } else {
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      pieces.push({ text: "{" });
      entries.forEach(([k, v], i) => {
        pieces.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(k)}:` }, { value: v });
      });
      pieces.push({ text: "}" });
    }
    for (let i = pieces.length - 1; i >= 0; i--) work.push(pieces[i]!);
  }
  return out.join("");
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
