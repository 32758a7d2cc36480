/**
 * Object-level rights, for EVERY procedure and route that names an object (an operation, a
 * bulk action, a person, an API key, a track link): a caller without rights to the object gets
 * exactly the same answer whether it exists or not, so probing ids teaches nothing. A new
 * procedure whose input names an object, or a new `[id]` route, without a line here fails.
 * The role rules themselves are in permissions.matrix.test.ts.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createApiKey } from "@/server/auth/api-keys";
import { createStaffUser } from "@/server/auth/people";
import { createTrackToken } from "@/server/auth/track-token";
import type { Principal } from "@/server/domain/principal";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_ADMIN, TEST_OPERATOR, TEST_SUPPORT } from "@/test/principals";
import { testServices } from "@/test/services";
import { appRouter, createCaller } from "./_app";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Input fields that name one object. */
const OBJECT_KEYS = ["id", "operationId", "bulkActionId", "userId", "keyId", "token", "alertId"];
const MISSING = "0190f5c4-0000-7000-8000-00000000dead";
const REASON = "Object-level rights check";

interface Objects {
  operation: string;
  bulk: string;
  user: string;
  key: string;
  alert: string;
}
type Kind = keyof Objects;
/** Every object-naming procedure: which object it names and a valid input for an id of it. */
const OBJECT_INPUTS: Record<string, [Kind, (id: string) => unknown]> = {
  "operations.get": ["operation", (id) => ({ id })],
  "search.operation": ["operation", (id) => ({ id })],
  "live.operation": ["operation", (id) => ({ id })],
  "actions.available": ["operation", (operationId) => ({ operationId })],
  "actions.retry": ["operation", (operationId) => ({ operationId, reason: REASON })],
  "actions.resume": ["operation", (operationId) => ({ operationId, reason: REASON })],
  "actions.approve": ["operation", (operationId) => ({ operationId, reason: REASON })],
  "actions.reject": ["operation", (operationId) => ({ operationId, reason: REASON })],
  "actions.compensate": ["operation", (operationId) => ({ operationId, reason: REASON })],
  "actions.cancel": ["operation", (operationId) => ({ operationId, reason: REASON })],
  "actions.replay": ["operation", (operationId) => ({ operationId, reason: REASON, step: "reserve_stock" })],
  "actions.skip": ["operation", (operationId) => ({ operationId, reason: REASON, step: "reserve_stock" })],
  "actions.runNow": ["operation", (operationId) => ({ operationId, reason: REASON, step: "reserve_stock" })],
  "waits.completeByHand": [
    "operation",
    (operationId) => ({
      operationId,
      reason: REASON,
      step: "reserve_stock",
      acknowledgment: { status: "succeeded", payload: {} },
    }),
  ],
  "endUser.answerForCustomer": ["operation", (operationId) => ({ operationId, values: {}, reason: REASON })],
  "endUser.waiting": ["operation", (operationId) => ({ operationId })],
  "sandbox.acknowledge": [
    "operation",
    (operationId) => ({ operationId, step: "create_shipment", signal: { status: "heartbeat" } }),
  ],
  "actions.bulk.get": ["bulk", (bulkActionId) => ({ bulkActionId })],
  "actions.bulk.confirm": ["bulk", (bulkActionId) => ({ bulkActionId, count: 0 })],
  "actions.bulk.change": ["bulk", (bulkActionId) => ({ bulkActionId, change: "pause", reason: REASON })],
  "admin.people.setRole": ["user", (userId) => ({ userId, role: "support", reason: REASON })],
  "admin.people.setActive": ["user", (userId) => ({ userId, active: true, reason: REASON })],
  "admin.keys.revoke": ["key", (keyId) => ({ keyId, reason: REASON })],
  "audit.list": ["operation", (operationId) => ({ operationId })],
  "alerts.get": ["alert", (alertId) => ({ alertId })],
  "alerts.acknowledge": ["alert", (alertId) => ({ alertId, reason: REASON })],
  "alerts.silence": [
    "alert",
    (alertId) => ({ alertId, reason: REASON, until: new Date(Date.now() + 3_600_000) }),
  ],
};
/** Named by a signed link instead of an id: refused links are checked in the matrix and below. */
const LINK_PROCEDURES = ["track.get", "track.watch", "endUser.answer"];
/** A `token` that is the first-run setup secret, not an object anyone owns. */
const NOT_OBJECTS = ["auth.setupStatus", "auth.completeSetup"];

const limitedKey: Principal = {
  kind: "key",
  keyId: "k-limited",
  prefix: "tl_limit",
  scopes: ["operations:read", "operations:write"],
  workflowTypes: ["account.verify"],
};
const CALLERS: [string, Principal][] = [
  ["anonymous", { kind: "anonymous" }],
  ["support", TEST_SUPPORT],
  ["operator", TEST_OPERATOR],
  ["admin", TEST_ADMIN],
  ["key:read", { ...limitedKey, keyId: "k-r", scopes: ["operations:read"], workflowTypes: null }],
  ["key:write", { ...limitedKey, keyId: "k-w", scopes: ["operations:write"], workflowTypes: null }],
  // May read operations, but not of this type: the operation is not its object.
  ["key:other-type", limitedKey],
];

type AnyProcedure = { _def: { inputs: { shape?: Record<string, unknown> }[] } };
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

let t: TestDatabase;
let services: Services;
let objects: Objects;

beforeAll(async () => {
  t = await createTestDatabase();
  services = testServices(t);
  const operation = await insertOperation(t.db.$client, { type: "order.fulfill", status: "blocked" });
  const person = await createStaffUser({
    db: t.db,
    email: "object@rights.test",
    name: "Object",
    password: "object rights password 1",
    role: "support",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  const key = await createApiKey({ db: t.db, name: "object", scopes: ["operations:read"] });
  const operator = createCaller(createContextInner({ principal: TEST_OPERATOR, services }));
  const bulk = await operator.actions.bulk.dryRun({
    filter: { workflowType: "order.fulfill", statuses: ["blocked"] },
    action: "cancel",
    reason: REASON,
  });
  if (person.type !== "created") throw new Error(`person not created: ${person.type}`);
  // An alert as the evaluator writes it (server/alerts/evaluate.ts), resolved so the calls change nothing.
  const [alert] = await t.db.$client<{ id: string }[]>`
    insert into alerts (id, rule, workflow_type, summary, fired_at, resolved_at, state)
    values (gen_random_uuid(), 'stuck', 'order.fulfill', 'x', now(), now(), 'resolved') returning id`;
  objects = { operation, bulk: bulk.bulkActionId, user: person.userId, key: key.id, alert: alert!.id };
  // Each "existing" id must really exist, or existing-vs-missing would compare two missing ones.
  for (const [kind, id] of Object.entries(objects)) if (typeof id !== "string") throw new Error(`no ${kind}`);
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

/** The answer a caller gets, with the id asked about blanked out (so two ids compare equal). */
async function answer(principal: Principal, procedurePath: string, id: string) {
  const caller = createCaller(createContextInner({ principal, services }));
  const fn = procedurePath.split(".").reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], caller);
  const controller = new AbortController();
  try {
    const input = OBJECT_INPUTS[procedurePath]![1](id);
    const result = await (fn as (i: unknown, o: { signal: AbortSignal }) => Promise<unknown>)(input, {
      signal: controller.signal,
    });
    const iterable = result && typeof result === "object" && Symbol.asyncIterator in result;
    return {
      allowed: true,
      result: iterable ? "stream" : JSON.stringify(result ?? null).replaceAll(id, "ID"),
    };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return {
      allowed: error.code !== "UNAUTHORIZED" && error.code !== "FORBIDDEN",
      code: error.code,
      message: error.message.replaceAll(id, "ID"),
    };
  } finally {
    controller.abort();
  }
}

describe("every object-naming procedure and route has an object-level rule", () => {
  it("lists exactly the procedures whose input names an object", () => {
    const naming = Object.entries(procedures)
      .filter(([, p]) => Object.keys(p._def.inputs[0]?.shape ?? {}).some((k) => OBJECT_KEYS.includes(k)))
      .map(([name]) => name);
    expect(naming.sort()).toEqual([...Object.keys(OBJECT_INPUTS), ...LINK_PROCEDURES, ...NOT_OBJECTS].sort());
  });

  // Each [param] route has its object-level test: the operation below, the acknowledge and
  // callback routes in permissions.matrix.test.ts (another type's operation, forged tokens).
  it("the /api routes naming an object are exactly those with an object-level test", () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/^route\.(ts|tsx|js|mjs)$/.test(name) && /\[(?!\.\.\.|trpc\])[^\]]+\]/.test(full))
          found.push(path.relative(ROOT, full));
      }
    };
    walk(path.join(ROOT, "app/api"));
    expect(found.sort()).toEqual([
      "app/api/v1/callbacks/[token]/route.ts",
      "app/api/v1/operations/[id]/route.ts",
      "app/api/v1/operations/[id]/steps/[step]/acknowledge/route.ts",
    ]);
  });
});

describe.each(Object.keys(OBJECT_INPUTS))("%s", (procedurePath) => {
  it.each(CALLERS)("%s: no right to the object reads the same as no object", async (_name, principal) => {
    const kind = OBJECT_INPUTS[procedurePath]![0];
    const existing = await answer(principal, procedurePath, objects[kind]);
    const missing = await answer(principal, procedurePath, MISSING);
    // Refused (no right at all, or the object is of a type the key may not see): one answer.
    const hiddenFromKey = principal === limitedKey;
    if (!existing.allowed || !missing.allowed || hiddenFromKey) expect(existing).toEqual(missing);
  });

  it("is refused to an anonymous caller", async () => {
    expect((await answer({ kind: "anonymous" }, procedurePath, MISSING)).code).toBe("UNAUTHORIZED");
  });
});

describe("GET /api/v1/operations/{id}: callers without rights get one answer for any id", () => {
  it.each([
    ["no credentials", {}],
    ["a bearer that is not a key", { authorization: "Bearer tl_not_a_key" }],
    ["a staff cookie", { cookie: "better-auth.session_token=forged" }],
  ])("%s", async (_name, headers: Record<string, string>) => {
    const { operationsApi } = await import("@/server/http/operations-api");
    const api = operationsApi(services);
    const read = async (id: string) => {
      const res = await api.getOperation(
        new Request(`http://localhost:3000/api/v1/operations/${id}`, { headers }),
        id,
      );
      return { status: res.status, body: (await res.text()).replaceAll(id, "ID") };
    };
    const [existing, missing] = [await read(objects.operation), await read(MISSING)];
    expect(existing).toEqual(missing);
    expect(existing.status).toBe(401);
  });

  it("a write-only key is refused the same way for both", async () => {
    const { operationsApi } = await import("@/server/http/operations-api");
    const api = operationsApi(services);
    const key = await createApiKey({ db: t.db, name: "w", scopes: ["operations:write"] });
    const read = async (id: string) => {
      const res = await api.getOperation(
        new Request(`http://localhost:3000/api/v1/operations/${id}`, {
          headers: { authorization: `Bearer ${key.secret}` },
        }),
        id,
      );
      return { status: res.status, body: (await res.text()).replaceAll(id, "ID") };
    };
    const [existing, missing] = [await read(objects.operation), await read(MISSING)];
    expect(existing).toEqual(missing);
    expect(existing.status).toBe(403);
  });
});

describe("every route handler is under app/api, where the matrix finds it", () => {
  it("no route file elsewhere in app/", () => {
    const outside: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) {
          if (full !== path.join(ROOT, "app/api")) walk(full);
        } else if (/^route\.(ts|tsx|js|mjs)$/.test(name)) outside.push(path.relative(ROOT, full));
      }
    };
    walk(path.join(ROOT, "app"));
    expect(outside).toEqual([]);
  });
});

describe("track.watch: a tampered, expired or swapped link gets no stream at all", () => {
  const watch = async (token: string) => {
    const caller = createCaller(createContextInner({ principal: { kind: "anonymous" }, services }));
    const stream = (await caller.track.watch({ token })) as AsyncIterable<unknown>;
    const received: unknown[] = [];
    // A refused link ends the stream before its first message; a granted one would wait for events.
    for await (const message of stream) received.push(message);
    return received;
  };

  it("every refused spelling ends at once with nothing sent", async () => {
    const token = createTrackToken(objects.operation);
    const [payload, signature] = token.split(".") as [string, string];
    const other = await insertOperation(t.db.$client, { type: "order.fulfill" });
    const swapped = Buffer.from(payload, "base64url");
    Buffer.from(other.replaceAll("-", ""), "hex").copy(swapped, 0);
    const refused = [
      createTrackToken(objects.operation, new Date(Date.now() - 3_600_000), 60),
      `${swapped.toString("base64url")}.${signature}`,
      `${signature}.${payload}`,
      `${payload}.${signature}.x`,
      token.slice(0, -1),
      ...[...token].flatMap((c, i) =>
        c === "." ? [] : [`${token.slice(0, i)}${c === "A" ? "B" : "A"}${token.slice(i + 1)}`],
      ),
    ];
    for (const bad of refused) expect({ bad, received: await watch(bad) }).toEqual({ bad, received: [] });
  });
});
