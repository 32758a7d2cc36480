/**
 * The permission matrix: EVERY tRPC procedure of the app router and EVERY /api route
 * handler, called as each kind of caller, gets the answer its rule says. A procedure or
 * route added without a rule here fails this test; so does a rule for something gone.
 *
 * Callers: anonymous, an end user holding a track link, support, operator, admin, and API
 * keys with each scope. "allowed" means past the gate (the call may still fail on its input,
 * which these calls send deliberately invalid so nothing runs); refused means exactly
 * UNAUTHORIZED (401) for callers who are not signed in and FORBIDDEN (403) for the rest.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import { createTrackToken } from "@/server/auth/track-token";
import type { Principal } from "@/server/domain/principal";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_ADMIN, TEST_OPERATOR, TEST_SUPPORT } from "@/test/principals";
import { testServices } from "@/test/services";
import { appRouter, createCaller } from "./_app";

const SUBJECTS = ["anonymous", "track", "support", "operator", "admin", "key:read", "key:write"] as const;
type Subject = (typeof SUBJECTS)[number];
type Answer = "allowed" | "UNAUTHORIZED" | "FORBIDDEN";

/** Who may pass, as a rule name; each maps to one answer per subject below. */
type Rule =
  /** Anyone (public by nature: sign-in state, first-run setup with its token, a track link's own view). */
  | "public"
  /** Any signed-in staff member. */
  | "staff"
  | "operator"
  | "admin"
  /** Staff, or a key with operations:read. */
  | "staff_or_read_key"
  /** Operators and admins, or a key with operations:write. */
  | "operator_or_write_key";

const ANSWERS: Record<Rule, Record<Subject, Answer>> = {
  public: row("allowed", "allowed", "allowed", "allowed", "allowed", "allowed", "allowed"),
  staff: row("UNAUTHORIZED", "UNAUTHORIZED", "allowed", "allowed", "allowed", "FORBIDDEN", "FORBIDDEN"),
  operator: row("UNAUTHORIZED", "UNAUTHORIZED", "FORBIDDEN", "allowed", "allowed", "FORBIDDEN", "FORBIDDEN"),
  admin: row("UNAUTHORIZED", "UNAUTHORIZED", "FORBIDDEN", "FORBIDDEN", "allowed", "FORBIDDEN", "FORBIDDEN"),
  staff_or_read_key: row(
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "allowed",
    "allowed",
    "allowed",
    "allowed",
    "FORBIDDEN",
  ),
  operator_or_write_key: row(
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "allowed",
    "allowed",
    "FORBIDDEN",
    "allowed",
  ),
};

function row(...answers: Answer[]): Record<Subject, Answer> {
  return Object.fromEntries(SUBJECTS.map((s, i) => [s, answers[i]!])) as Record<Subject, Answer>;
}

/** Every procedure's rule. Adding a procedure means adding its line here, on purpose. */
const PROCEDURE_RULES: Record<string, Rule> = {
  "workflows.list": "staff_or_read_key",
  "workflows.summaries": "staff",
  "workflows.story": "staff",
  "operations.start": "operator_or_write_key",
  "operations.get": "staff_or_read_key",
  "operations.list": "staff_or_read_key",
  "dashboard.get": "staff",
  "inbox.cause": "staff",
  "search.operations": "staff",
  "search.operation": "staff",
  "live.changes": "staff",
  "live.operation": "staff",
  "track.get": "public",
  "track.watch": "public",
  // The track link's token is its only authority (the describe "track links" below).
  "endUser.answer": "public",
  "endUser.answerForCustomer": "operator",
  "endUser.waiting": "staff",
  "sandbox.faults": "staff",
  "sandbox.setFault": "operator",
  "sandbox.reset": "operator",
  "sandbox.restock": "operator",
  "sandbox.cancelShopOrder": "operator",
  "sandbox.callbackSettings": "staff",
  "sandbox.setCallbackSettings": "operator",
  "sandbox.waits": "staff",
  "sandbox.timers": "staff",
  "sandbox.acknowledge": "operator",
  "auth.me": "public",
  "auth.setupStatus": "public",
  "auth.completeSetup": "public",
  "actions.available": "staff",
  "actions.retry": "operator",
  "actions.replay": "operator",
  "actions.resume": "operator",
  "actions.approve": "operator",
  "actions.reject": "operator",
  "actions.skip": "operator",
  "actions.compensate": "operator",
  "actions.cancel": "operator",
  "actions.runNow": "operator",
  "waits.completeByHand": "operator",
  "actions.pauses": "staff",
  "actions.pauseWorkflow": "operator",
  "actions.resumeWorkflow": "operator",
  "actions.bulk.dryRun": "operator",
  "actions.bulk.confirm": "operator",
  "actions.bulk.change": "operator",
  "actions.bulk.get": "staff",
  "actions.bulk.list": "staff",
  "admin.people.list": "admin",
  "admin.people.create": "admin",
  "admin.people.setRole": "admin",
  "admin.people.setActive": "admin",
  "admin.keys.list": "admin",
  "admin.keys.create": "admin",
  "admin.keys.revoke": "admin",
  "audit.list": "staff",
  "audit.verify": "admin",
  "alerts.list": "staff",
  "alerts.get": "staff",
  "alerts.acknowledge": "operator",
  "alerts.silence": "operator",
  "alerts.rules": "staff",
  "alerts.setRuleOverride": "admin",
  "alerts.clearRuleOverride": "admin",
  "webhooks.list": "admin",
  "webhooks.deliveries": "admin",
  "webhooks.register": "admin",
  "webhooks.setEnabled": "admin",
  "webhooks.redeliver": "admin",
};

/**
 * Every route handler's rule, by `METHOD /path`. The public HTTP API (/api/v1) takes API
 * keys only: a staff cookie there counts as not signed in (401). `/api/trpc` is the
 * transport of the procedures above; its own line only says the transport is open.
 */
type RouteRule = Rule | "read_key" | "write_key" | "metrics_key";
const ROUTE_ANSWERS: Record<RouteRule, Record<Subject, Answer>> = {
  ...ANSWERS,
  read_key: row(
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "allowed",
    "FORBIDDEN",
  ),
  write_key: row(
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "allowed",
  ),
  // Only a key holding `metrics:read` (the scraper's, or the bootstrap key); staff cookies count as not signed in.
  metrics_key: row(
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "FORBIDDEN",
  ),
};
const ROUTE_RULES: Record<string, RouteRule> = {
  "GET /api/health": "public",
  "GET /api/v1/openapi.json": "public",
  "GET /api/auth/[...all]": "public",
  "POST /api/auth/[...all]": "public",
  "GET /api/trpc/[trpc]": "public",
  "POST /api/trpc/[trpc]": "public",
  "GET /api/v1/workflows": "read_key",
  "GET /api/v1/operations": "read_key",
  "POST /api/v1/operations": "write_key",
  "GET /api/v1/operations/[id]": "read_key",
  // A callback URL needs no key: its signed token is the only authority (tested in the object-level block).
  "POST /api/v1/callbacks/[token]": "public",
  "POST /api/v1/operations/[id]/steps/[step]/acknowledge": "write_key",
  "GET /api/audit/export": "staff",
  "GET /api/metrics": "metrics_key",
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const INVALID_INPUT = { __matrix: "deliberately invalid input" } as unknown;

let t: TestDatabase;
let services: Services;
let trackToken: string;
let operationId: string;
const keyPrincipals: Record<"key:read" | "key:write", Principal> = {
  "key:read": {
    kind: "key",
    keyId: "k-read",
    prefix: "tl_read",
    scopes: ["operations:read"],
    workflowTypes: null,
  },
  "key:write": {
    kind: "key",
    keyId: "k-write",
    prefix: "tl_write",
    scopes: ["operations:write"],
    workflowTypes: null,
  },
};

function principalOf(subject: Subject): Principal {
  switch (subject) {
    case "anonymous":
    case "track":
      return { kind: "anonymous" };
    case "support":
      return TEST_SUPPORT;
    case "operator":
      return TEST_OPERATOR;
    case "admin":
      return TEST_ADMIN;
    case "key:read":
    case "key:write":
      return keyPrincipals[subject];
  }
}

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "matrix-secret";
  t = await createTestDatabase();
  services = testServices(t);
  operationId = await insertOperation(t.db.$client, { type: "order.fulfill", subject: "ada@example.com" });
  trackToken = createTrackToken(operationId);
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

type AnyProcedure = { _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] } };
// At run time `procedures` is flat, keyed by dotted path (`record` holds the nested tree).
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

/** Calls one procedure as `subject`: the track holder sends its token, everyone else invalid input. */
async function callAs(subject: Subject, procedurePath: string): Promise<Answer> {
  const caller = createCaller(createContextInner({ principal: principalOf(subject), services }));
  const fn = procedurePath
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  const hasInput = procedures[procedurePath]!._def.inputs.length > 0;
  const input =
    subject === "track" && procedurePath.startsWith("track.")
      ? { token: trackToken }
      : subject === "track" && procedurePath === "endUser.answer"
        ? { token: trackToken, values: {} }
        : INVALID_INPUT;
  const controller = new AbortController();
  try {
    const result = await (fn as (input: unknown, opts?: { signal: AbortSignal }) => Promise<unknown>)(
      hasInput ? input : undefined,
      { signal: controller.signal },
    );
    // A subscription that got past its gate: stop it without reading.
    if (result && typeof result === "object" && Symbol.asyncIterator in result) controller.abort();
    return "allowed";
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN"))
      return error.code;
    return "allowed";
  } finally {
    controller.abort();
  }
}

describe("every tRPC procedure has a rule", () => {
  it("lists exactly the app router's procedures", () => {
    expect(Object.keys(PROCEDURE_RULES).sort()).toEqual(Object.keys(procedures).sort());
  });
});

describe.each(Object.entries(PROCEDURE_RULES))("procedure %s (%s)", (procedurePath, rule) => {
  it.each(SUBJECTS.map((s) => [s, ANSWERS[rule][s]] as const))("%s → %s", async (subject, expected) => {
    expect(await callAs(subject, procedurePath)).toBe(expected);
  });
});

describe("track links", () => {
  it("grant their own operation; another operation's, or one that does not exist, reads the same: invalid", async () => {
    const caller = createCaller(createContextInner({ principal: { kind: "anonymous" }, services }));
    expect((await caller.track.get({ token: trackToken })).type).toBe("ok");
    const otherId = await insertOperation(t.db.$client, {
      type: "order.fulfill",
      subject: "eve@example.com",
    });
    // The holder swaps in another operation's id, keeping the signature: refused.
    const [payload, signature] = trackToken.split(".");
    const swapped = Buffer.from(payload!, "base64url");
    Buffer.from(otherId.replaceAll("-", ""), "hex").copy(swapped, 0);
    const forged = `${swapped.toString("base64url")}.${signature}`;
    const missing = createTrackToken("0190f5c4-0000-7000-8000-00000000beef");
    const answers = await Promise.all([forged, missing].map((token) => caller.track.get({ token })));
    expect(answers).toEqual([{ type: "invalid" }, { type: "invalid" }]);
  });

  it("answer only their own operation's end-user form, and only while it waits for them", async () => {
    const caller = createCaller(createContextInner({ principal: { kind: "anonymous" }, services }));
    const code = (token: string) =>
      caller.endUser.answer({ token, values: {} }).then(
        () => "allowed",
        (e: TRPCError) => e.code,
      );
    const [payload, signature] = trackToken.split(".");
    const swapped = Buffer.from(payload!, "base64url");
    Buffer.from(MISSING_OPERATION.replaceAll("-", ""), "hex").copy(swapped, 0);
    // Another id under this link's signature, an unknown operation, its own (not waiting for it).
    expect(await code(`${swapped.toString("base64url")}.${signature}`)).toBe("NOT_FOUND");
    expect(await code(createTrackToken(MISSING_OPERATION))).toBe("NOT_FOUND");
    expect(await code(trackToken)).toBe("PRECONDITION_FAILED");
  });
});

const MISSING_OPERATION = "0190f5c4-0000-7000-8000-00000000beef";

/** app/api/**\/route.{ts,tsx,js,mjs}, as `/api/...` paths with their file. */
function routeFiles(): { routePath: string; file: string }[] {
  const base = path.join(ROOT, "app/api");
  const found: { routePath: string; file: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      // Any file Next.js serves as a route handler, whatever its extension.
      else if (/^route\.(ts|tsx|js|mjs)$/.test(name))
        found.push({ routePath: `/${path.relative(path.join(ROOT, "app"), dir)}`, file: full });
    }
  };
  walk(base);
  return found.sort((a, b) => a.routePath.localeCompare(b.routePath));
}

// Every method a route module can export (Next.js answers HEAD and OPTIONS itself only when absent).
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

describe("every /api route has a rule, and answers by it", () => {
  const headersBySubject = {} as Record<Subject, Record<string, string>>;

  beforeAll(async () => {
    // The route modules use the web process's services (app/_lib/services.ts) over DATABASE_URL.
    process.env.DATABASE_URL = t.url;
    const { createStaffUser } = await import("@/server/auth/people");
    const { processServices } = await import("@/app/_lib/services");
    const { handleAuthRequest } = await import("@/server/auth/handler");
    const { SYSTEM_ACTOR, NO_REQUEST } = await import("@/server/audit/write");
    for (const role of ["support", "operator", "admin"] as const) {
      const email = `${role}@matrix.test`;
      await createStaffUser({
        db: t.db,
        email,
        name: role,
        password: `${role} password 123`,
        role,
        actor: SYSTEM_ACTOR,
        request: NO_REQUEST,
      });
      const res = await handleAuthRequest(
        processServices().auth,
        new Request("http://localhost:3000/api/auth/sign-in/email", {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `10.7.0.${role.length}` },
          body: JSON.stringify({ email, password: `${role} password 123` }),
        }),
      );
      expect(res.status).toBe(200);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      headersBySubject[role] = { cookie, origin: "http://localhost:3000" };
    }
    const read = await createApiKey({ db: t.db, name: "r", scopes: ["operations:read"] });
    const write = await createApiKey({ db: t.db, name: "w", scopes: ["operations:write"] });
    headersBySubject["key:read"] = { authorization: `Bearer ${read.secret}` };
    headersBySubject["key:write"] = { authorization: `Bearer ${write.secret}` };
    headersBySubject.anonymous = {};
    headersBySubject.track = {};
  });

  it("lists exactly the route handlers under app/api", async () => {
    const found: string[] = [];
    for (const { routePath, file } of routeFiles()) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of HTTP_METHODS)
        if (typeof mod[method] === "function") found.push(`${method} ${routePath}`);
    }
    expect(found.sort()).toEqual(Object.keys(ROUTE_RULES).sort());
  });

  it.each(Object.entries(ROUTE_RULES))("%s (%s) answers each caller by its rule", async (route, rule) => {
    const [method, routePath] = route.split(" ") as [(typeof HTTP_METHODS)[number], string];
    const file = routeFiles().find((r) => r.routePath === routePath)!.file;
    const mod = (await import(file)) as Record<string, (req: Request, ctx: unknown) => Promise<Response>>;
    const concrete = routePath
      .replace("[...all]", "get-session")
      .replace("[trpc]", "auth.me")
      .replace("[id]", operationId)
      .replace("[token]", "not-a-callback-token")
      .replace("[step]", "reserve_stock");
    const params = Promise.resolve({
      id: operationId,
      trpc: "auth.me",
      all: ["get-session"],
      token: "not-a-callback-token",
      step: "reserve_stock",
    });
    for (const subject of SUBJECTS) {
      const request = new Request(`http://localhost:3000${concrete}`, {
        method,
        headers: { "content-type": "application/json", ...headersBySubject[subject] },
        body: method === "GET" ? undefined : "{}",
      });
      const res = await mod[method]!(request, { params });
      const answer: Answer =
        res.status === 401 ? "UNAUTHORIZED" : res.status === 403 ? "FORBIDDEN" : "allowed";
      expect({ route, subject, answer }).toEqual({ route, subject, answer: ROUTE_ANSWERS[rule][subject] });
    }
  });

  it("the tRPC transport applies the procedures' rules and refuses a cross-site cookie mutation", async () => {
    const mod = (await import(path.join(ROOT, "app/api/trpc/[trpc]/route.ts"))) as Record<
      string,
      (req: Request) => Promise<Response>
    >;
    const post = (subject: Subject, origin?: string) =>
      mod.POST!(
        new Request("http://localhost:3000/api/trpc/actions.resume", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...headersBySubject[subject],
            ...(origin ? { origin } : {}),
          },
          body: JSON.stringify({ json: { operationId, reason: "Matrix check of the transport" } }),
        }),
      );
    expect((await post("anonymous")).status).toBe(401);
    expect((await post("support")).status).toBe(403);
    expect((await post("key:write")).status).toBe(403);
    expect((await post("operator", "https://evil.example")).status).toBe(403);
    // Past the gate: a real refusal of the state (the fixture operation is not blocked).
    expect((await post("operator")).status).toBe(412);
  });
});

/**
 * Object-level rights: a caller who may not see an object gets exactly the answer it would get
 * for an object that does not exist, so probing ids teaches it nothing.
 */
describe("object-level: no right to an object reads the same as no object", () => {
  const limitedKey: Principal = {
    kind: "key",
    keyId: "k-limited",
    prefix: "tl_limit",
    scopes: ["operations:read", "operations:write"],
    workflowTypes: ["account.verify"],
  };
  const MISSING_ID = "0190f5c4-0000-7000-8000-00000000dead";
  const outcome = async (fn: () => Promise<unknown>) => {
    try {
      return { ok: await fn() };
    } catch (error) {
      if (!(error instanceof TRPCError)) throw error;
      return {
        code: error.code,
        message: error.message.replaceAll(operationId, "ID").replaceAll(MISSING_ID, "ID"),
      };
    }
  };

  it("operations.get: another type's operation and a missing one give one refusal", async () => {
    const caller = createCaller(createContextInner({ principal: limitedKey, services }));
    const hidden = await outcome(() => caller.operations.get({ id: operationId }));
    const missing = await outcome(() => caller.operations.get({ id: MISSING_ID }));
    expect(hidden).toEqual(missing);
    expect(hidden).toMatchObject({ code: "NOT_FOUND" });
  });

  it("operations.list: a limited key never lists another type's operation", async () => {
    const caller = createCaller(createContextInner({ principal: limitedKey, services }));
    const page = (await caller.operations.list({})) as unknown as { items: { id: string }[] };
    expect(page.items.map((op) => op.id)).not.toContain(operationId);
  });

  it("GET /api/v1/operations/{id}: another type's operation answers byte for byte like a missing one", async () => {
    const { operationsApi } = await import("@/server/http/operations-api");
    const api = operationsApi(services);
    const key = await createApiKey({
      db: t.db,
      name: "limited",
      scopes: ["operations:read"],
      workflowTypes: ["account.verify"],
    });
    const read = async (id: string) => {
      const res = await api.getOperation(
        new Request(`http://localhost:3000/api/v1/operations/${id}`, {
          headers: { authorization: `Bearer ${key.secret}` },
        }),
        id,
      );
      return { status: res.status, body: (await res.text()).replaceAll(id, "ID") };
    };
    const [hidden, missing] = [await read(operationId), await read(MISSING_ID)];
    expect(hidden).toEqual(missing);
    expect(hidden.status).toBe(404);
  });
});

describe("object-level: acknowledging a wait", () => {
  const WAIT_ID = "0190f5c4-0000-4000-8000-00000000a11c";
  const post = (fn: (req: Request) => Promise<Response>, url: string, headers: Record<string, string>) =>
    fn(
      new Request(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ status: "succeeded", payload: {} }),
      }),
    );
  const answer = async (res: Response) => ({ status: res.status, body: await res.text() });

  beforeAll(async () => {
    // An open wait on the fixture operation's step, as the engine would have opened it.
    await t.db.$client`insert into waits (id, operation_id, step, kind, target)
      values (${WAIT_ID}, ${operationId}, 'reserve_stock', 'acknowledgment', 'partner')
      on conflict do nothing`;
  });

  it("POST …/steps/{step}/acknowledge: another type's operation answers byte for byte like a missing one", async () => {
    const { waitsApi } = await import("@/server/http/waits-api");
    const api = waitsApi(services);
    const limited = await createApiKey({
      db: t.db,
      name: "limited-ack",
      scopes: ["operations:write"],
      workflowTypes: ["account.verify"],
    });
    const full = await createApiKey({ db: t.db, name: "full-ack", scopes: ["operations:write"] });
    const ack = async (id: string, secret: string) => {
      const res = await post(
        (req) => api.acknowledge(req, id, "reserve_stock"),
        `http://localhost:3000/api/v1/operations/${id}/steps/reserve_stock/acknowledge`,
        { authorization: `Bearer ${secret}` },
      );
      const { status, body } = await answer(res);
      return { status, body: body.replaceAll(id, "ID") };
    };
    const hidden = await ack(operationId, limited.secret);
    const missing = await ack("0190f5c4-0000-7000-8000-00000000dead", limited.secret);
    expect(hidden).toEqual(missing);
    expect(hidden.status).toBe(404);
    // Positive control: a key that may see the type reaches the wait (its step is not held by it: 410).
    expect((await ack(operationId, full.secret)).status).toBe(410);
  });

  it("POST /api/v1/callbacks/{token}: forged, truncated and other operations' tokens answer like an unknown one", async () => {
    const { waitsApi } = await import("@/server/http/waits-api");
    const { createCallbackToken } = await import("@/server/waits/callback-token");
    const api = waitsApi(services);
    const secret = process.env.THROUGHLINE_SECRET!;
    const binding = { waitId: WAIT_ID, operationId, step: "reserve_stock" };
    const genuine = createCallbackToken(secret, binding);
    const call = async (token: string) =>
      answer(
        await post((req) => api.callback(req, token), `http://localhost:3000/api/v1/callbacks/${token}`, {}),
      );
    const other = await insertOperation(t.db.$client, { type: "order.fulfill", subject: "bob@example.com" });
    const refusals = await Promise.all(
      [
        createCallbackToken("another secret", binding),
        genuine.slice(0, -2),
        genuine.slice(3),
        createCallbackToken(secret, { ...binding, operationId: other }),
        createCallbackToken(secret, { ...binding, step: "charge_payment" }),
        createCallbackToken(secret, { ...binding, waitId: "0190f5c4-0000-4000-8000-0000000000ff" }),
        "garbage",
      ].map(call),
    );
    for (const refusal of refusals) expect(refusal).toEqual(refusals[6]);
    expect(refusals[6]!.status).toBe(404);
    // Positive control: the genuine token reaches its wait (the step is not held by it: 410).
    expect((await call(genuine)).status).toBe(410);
  });
});

describe("track links: tampered, expired or for another operation are refused", () => {
  const trackGet = (token: string) =>
    createCaller(createContextInner({ principal: { kind: "anonymous" }, services })).track.get({ token });

  it("an expired link reads as expired, never as the operation", async () => {
    const expired = createTrackToken(operationId, new Date(Date.now() - 3_600_000), 60);
    expect(await trackGet(expired)).toEqual({ type: "expired" });
  });

  it("every single-character change to the signature or payload is refused", async () => {
    const answers = new Set<string>();
    for (let i = 0; i < trackToken.length; i++) {
      if (trackToken[i] === ".") continue;
      const swapped = trackToken[i] === "A" ? "B" : "A";
      const tampered = `${trackToken.slice(0, i)}${swapped}${trackToken.slice(i + 1)}`;
      // One valid spelling per token: a flip in a base64url character's unused bits is refused too.
      answers.add((await trackGet(tampered)).type);
    }
    expect([...answers]).toEqual(["invalid"]);
  });

  it("truncated, empty or swapped-segment links are refused", async () => {
    const [payload, signature] = trackToken.split(".") as [string, string];
    await expect(trackGet("")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    for (const token of [
      ".",
      payload,
      `${payload}.`,
      `.${signature}`,
      `${signature}.${payload}`,
      trackToken.slice(0, -2),
    ])
      expect(await trackGet(token)).toEqual({ type: "invalid" });
  });

  it("a link for another operation shows that operation only", async () => {
    const otherId = await insertOperation(t.db.$client, {
      type: "order.fulfill",
      subject: "bob@example.com",
    });
    const answer = (await trackGet(createTrackToken(otherId))) as {
      type: string;
      operation?: { id: string };
    };
    expect(answer.type).toBe("ok");
    expect(JSON.stringify(answer)).not.toContain(operationId);
  });
});
