import fc from "fast-check";

/** Values an attacker sends, for every field of every surface the fuzz reaches. */

/** Strings: NUL, lone surrogates, SQL, HTML, formulas, bidi, paths, huge, control characters. */
export const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "'; drop table operations; --",
    "' or '1'='1",
    "1; select pg_sleep(10)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=cmd|' /C calc'!A0",
    "\u202e\u0000\u200b",
    "../../etc/passwd",
    "%00%ff",
    "__proto__",
    "order.fulfill",
    "account.verify",
    "0190f5c4-0000-7000-8000-00000000beef",
    " ",
    "",
  ),
  fc.integer({ min: 1, max: 300_000 }).map((n) => "x".repeat(n)),
);

export const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2147483648, -1, 0, -0, 0.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308),
);

/** Nesting far past the 32 levels any body may have (readJsonBody, the tRPC input guard). */
export const deep = fc.integer({ min: 1, max: 6000 }).map((n) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  // fast-check prints a counterexample recursively: name this one instead of overflowing the stack.
  Object.defineProperty(v, fc.toStringMethod, { value: () => `deep(${n})`, enumerable: false });
  return v;
});

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue(),
  deep,
  fc.array(hostileString, { maxLength: 50 }),
  fc.date({ noInvalidDate: false }),
);

export const FIELD_NAMES = [
  "type",
  "input",
  "subject",
  "reference",
  "orderId",
  "customerEmail",
  "items",
  "amountCents",
  "currency",
  "__proto__",
  "constructor",
  "id",
  "operationId",
  "token",
  "reason",
  "cursor",
  "limit",
  "role",
  "status",
];

export const hostileObject = fc.dictionary(
  fc.oneof(fc.constantFrom(...FIELD_NAMES), hostileString),
  hostileValue,
  { maxKeys: 8 },
);

export const contentType = fc.constantFrom(
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "application/problem+json",
  "",
);

export const headerValue = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom("", " ", "x".repeat(4000)),
);

/** Bytes that are not UTF-8 at all (a lone 0xff, an encoded surrogate, a truncated sequence). */
export const badBytes = fc.constantFrom(
  new Uint8Array([0xff, 0xfe, 0x7b]),
  new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  new Uint8Array([0x7b, 0x22, 0x6a, 0x73, 0x6f, 0x6e, 0x22, 0x3a, 0xc3]),
);

export function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return "[]"; // a value too deep for the generator's own stringify
  }
}

/** A lone surrogate cannot be percent-encoded by any client; send its well-formed spelling. */
export const urlSafe = (s: string) => s.replace(/[\ud800-\udfff]/g, "\ufffd");
