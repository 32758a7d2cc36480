import fc from "fast-check";
import superjson from "superjson";
import { BASE, type Callers } from "./callers";
import { badBytes, contentType, safeStringify, urlSafe } from "./hostile";

/** Building tRPC requests the way a client (or an attacker) would, and judging the answers. */

export type ProcedureKind = "query" | "mutation" | "subscription";
export interface Call {
  path: string;
  kind: ProcedureKind;
  input: unknown;
}

/** How a request strays from what the console's client sends. */
export interface Transport {
  /** Send a query as POST or a mutation as GET. */
  swapMethod: boolean;
  contentType: string;
  origin: "ours" | "evil" | "none";
  /** Replace the body with bytes that are not UTF-8. */
  bytes: Uint8Array<ArrayBuffer> | null;
  /** Credentials replaced by forged ones (a made-up key, a tampered session cookie), or none. */
  forged: { authorization?: string; cookie?: string } | null;
}
export const transport: fc.Arbitrary<Transport> = fc.oneof(
  {
    arbitrary: fc.constant({
      swapMethod: false,
      contentType: "application/json",
      origin: "ours",
      bytes: null,
      forged: null,
    }),
    weight: 8,
  },
  fc.record({
    swapMethod: fc.boolean(),
    contentType,
    origin: fc.constantFrom("ours", "evil", "none"),
    bytes: fc.option(badBytes, { nil: null, freq: 3 }),
    forged: fc.option(
      fc.oneof(
        fc.record({
          authorization: fc.constantFrom(
            "Bearer tl_forged",
            "Bearer ",
            "Basic YTpi",
            "bearer  x".repeat(500),
          ),
        }),
        fc.record({
          cookie: fc.constantFrom("better-auth.session_token=forged.sig", "a=b; ".repeat(800), "=;=;"),
        }),
      ),
      { nil: null, freq: 3 },
    ),
  }),
) as fc.Arbitrary<Transport>;
export const PLAIN: Transport = {
  swapMethod: false,
  contentType: "application/json",
  origin: "ours",
  bytes: null,
  forged: null,
};

/** The wire form of one input: superjson's `{ json, meta }`, or plain JSON when it is too deep for it. */
function wire(input: unknown): string {
  if (input === undefined) return safeStringify({ json: null });
  try {
    return JSON.stringify(superjson.serialize(input));
  } catch {
    return `{"json":${safeStringify(input)}}`;
  }
}

export function trpcRequest(
  calls: Call[],
  headers: Callers[keyof Callers],
  how: Transport,
  signal?: AbortSignal,
): Request {
  const batch = calls.length > 1;
  const path = calls.map((c) => c.path).join(",");
  const wires = calls.map((c) => wire(c.input));
  const body = batch ? `{${wires.map((w, i) => `"${i}":${w}`).join(",")}}` : wires[0]!;
  const allQueries = calls.every((c) => c.kind !== "mutation");
  const get = allQueries !== how.swapMethod;
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) if (k !== "origin") h.set(k, v);
  if (how.origin === "ours") h.set("origin", BASE);
  if (how.origin === "evil") h.set("origin", "https://evil.example");
  if (how.forged) {
    h.delete("authorization");
    h.delete("cookie");
    for (const [k, v] of Object.entries(how.forged)) h.set(k, v);
  }
  const query = batch ? "?batch=1" : "";
  if (get) {
    // Next refuses URLs past ~16 KB before any route runs; longer inputs are cut (and so malformed).
    const input = encodeURIComponent(urlSafe(body.length > 12_000 ? body.slice(0, 12_000) : body));
    return new Request(`${BASE}/api/trpc/${path}${query ? `${query}&` : "?"}input=${input}`, {
      headers: h,
      signal,
    });
  }
  if (how.contentType) h.set("content-type", how.contentType);
  return new Request(`${BASE}/api/trpc/${path}${query}`, {
    method: "POST",
    headers: h,
    body: how.bytes ?? body,
    signal,
  });
}

type Envelope = {
  result?: unknown;
  error?: { json?: { message?: unknown; data?: { code?: unknown; httpStatus?: unknown } } };
};
const LEAKS = [
  /\n\s+at \S+/,
  /PostgresError/i,
  /violates .* constraint/i,
  /syntax error at or near/i,
  /relation "[^"]+" does not exist/i,
];

export interface Judged {
  /** Problems with the answer (empty when it is well-formed and not a 5xx). */
  problems: string[];
  /** At least one call of the request succeeded (it may have written). */
  anySuccess: boolean;
  codes: string[];
  /** A 503 only because an operator paused the type (issue 11's design, not a fault). */
  paused: boolean;
}

export async function judge(res: Response, abort: () => void): Promise<Judged> {
  const problems: string[] = [];
  if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    abort(); // a subscription that opened: an answer, and nothing to wait for
    await res.body?.cancel().catch(() => undefined);
    return {
      problems: res.status === 200 ? [] : [`stream with ${res.status}`],
      anySuccess: false,
      codes: ["STREAM"],
      paused: false,
    };
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      problems: [`${res.status} not JSON: ${text.slice(0, 200)}`],
      anySuccess: false,
      codes: [],
      paused: false,
    };
  }
  const envelopes = (Array.isArray(parsed) ? parsed : [parsed]) as Envelope[];
  const codes: string[] = [];
  let anySuccess = false;
  let paused = false;
  for (const e of envelopes) {
    if (e.result !== undefined) {
      anySuccess = true;
      codes.push("OK");
      continue;
    }
    const data = e.error?.json?.data;
    const code = data?.code;
    const message = String(e.error?.json?.message ?? "");
    if (typeof code !== "string" || typeof data?.httpStatus !== "number") {
      problems.push(`not a typed tRPC error: ${text.slice(0, 300)}`);
      continue;
    }
    codes.push(code);
    const domain = (data as { domain?: { type?: string } }).domain?.type;
    if (code === "SERVICE_UNAVAILABLE" && domain === "workflow_paused") paused = true;
    else if (data.httpStatus >= 500) problems.push(`${code} (${data.httpStatus}): ${message.slice(0, 300)}`);
    for (const leak of LEAKS)
      if (leak.test(message)) problems.push(`leaks ${leak}: ${message.slice(0, 300)}`);
  }
  if (res.status >= 500 && !paused) problems.push(`HTTP ${res.status}`);
  return { problems, anySuccess, codes, paused };
}
