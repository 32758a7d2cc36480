import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import { createTrackToken } from "@/server/auth/track-token";
import { operationsApi } from "@/server/http/operations-api";
import { logger, serializeError } from "@/server/logger";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import {
  LEAKY_EMAIL,
  LEAKY_MAX_ATTEMPTS,
  LEAKY_TYPE,
  leakyRegistry,
  OVERFLOW_AMOUNT,
} from "@/test/engine/leaky-workflow";
import { testServices } from "@/test/services";

/**
 * Issue 15 hole 4: a step that hits a real PostgreSQL error quoting the SQL and the customer's
 * email. A data error is permanent (not retried), a lost connection transient; what the API
 * resource, the console's presenters, the track page and the stored rows carry is a sanitised
 * sentence with an incident id, and the log line under that id has the details.
 */
let t: TestDatabase;
let leaky: ReturnType<typeof leakyRegistry>;
let harness: EngineHarness;
let services: Services;
let readKey: string;
let logged: Record<string, unknown>[];

/** Text that must never leave the log: the SQL, its parameters, the email. */
const LEAKS = [
  LEAKY_EMAIL,
  String(OVERFLOW_AMOUNT),
  "sim_charges",
  "insert into",
  "pg_terminate_backend",
  "params",
];
const INCIDENT = /Incident ([0-9a-f-]{36})/;

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  leaky = leakyRegistry(t.url);
  harness = await engineHarness({ db: t.db, url: t.url, registry: leaky.registry });
  await harness.startWorker();
  services = testServices(t, { registry: leaky.registry });
  readKey = (await createApiKey({ db: t.db, name: "reader", scopes: ["operations:read"] })).secret;
});
afterAll(async () => {
  await harness.close();
  await services.close();
  await leaky.close();
  await t.drop();
});
beforeEach(() => {
  // The log lines as the logger would write them (its error serializer), kept instead of discarded.
  logged = [];
  const keep = (fields: unknown) => {
    const f = fields as Record<string, unknown>;
    logged.push({ ...f, err: serializeError(f.err) });
  };
  vi.spyOn(logger, "error").mockImplementation(keep as never);
  vi.spyOn(logger, "warn").mockImplementation(keep as never);
  return () => vi.restoreAllMocks();
});

/** Everything a caller or a screen can read of the operation, and its stored rows, as text. */
async function everythingShown(id: string) {
  const res = await operationsApi(services).getOperation(
    new Request(`http://throughline.test/api/v1/operations/${id}`, {
      headers: { authorization: `Bearer ${readKey}` },
    }),
    id,
  );
  expect(res.status).toBe(200);
  const resource = await res.json();
  const detail = await services.presenters.detail.call(id);
  const track = await services.presenters.track.call(createTrackToken(id));
  expect(track.type).toBe("ok");
  const sql = t.db.$client;
  const stored = await sql`
    select (select row_to_json(o) from operations o where o.id = ${id}) as operation,
      (select json_agg(s) from steps s where s.operation_id = ${id}) as steps,
      (select json_agg(e) from events e where e.operation_id = ${id}) as events`;
  return { resource, shown: JSON.stringify({ resource, detail, track, stored }) };
}

function expectNoLeak(text: string) {
  for (const leak of LEAKS) expect(text, `contains ${leak}`).not.toContain(leak);
}

describe("an unexpected database error inside a step", () => {
  it("a value out of range (SQLSTATE 22003): permanent, one attempt, shown only as an incident", async () => {
    const id = await harness.start(LEAKY_TYPE, { mode: "overflow" });
    expect(await harness.waitFor(id, ["failed", "blocked", "completed"])).toBe("failed");

    const steps = await harness.steps(id);
    expect(steps[0]).toMatchObject({ name: "charge", status: "failed", attempts: 1 });
    const events = await harness.events(id);
    expect(events.map((e) => e.type)).not.toContain("retry_scheduled");
    expect(events.find((e) => e.type === "attempt_failed")?.data).toMatchObject({
      errorClass: "permanent",
      code: "database_invalid_value",
    });

    const { resource, shown } = await everythingShown(id);
    expectNoLeak(shown);
    expect(resource.error.message).toContain("SQLSTATE 22003");
    const incidentId = INCIDENT.exec(resource.error.message)?.[1];
    expect(incidentId).toBeDefined();
    expect(resource.error.incidentId).toBe(incidentId);
    expect(resource.steps[0].error).toContain(incidentId);

    // The operator's side: the log line under that incident has the SQL, parameters and where.
    const line = logged.find((l) => l.incidentId === incidentId);
    expect(line).toMatchObject({ operationId: id, step: "charge", attempt: 1, sqlstate: "22003" });
    const details = JSON.stringify(line);
    for (const detail of [LEAKY_EMAIL, String(OVERFLOW_AMOUNT), "sim_charges", "out of range"])
      expect(details).toContain(detail);
  });

  it("a lost connection (SQLSTATE 57P01): transient, retried, then blocked with a safe reason", async () => {
    const id = await harness.start(LEAKY_TYPE, { mode: "disconnect" });
    expect(await harness.waitFor(id, ["blocked", "failed", "completed"])).toBe("blocked");

    const steps = await harness.steps(id);
    expect(steps[0]).toMatchObject({ name: "charge", attempts: LEAKY_MAX_ATTEMPTS });
    const events = await harness.events(id);
    expect(events.filter((e) => e.type === "retry_scheduled")).toHaveLength(LEAKY_MAX_ATTEMPTS - 1);
    for (const e of events.filter((e) => e.type === "attempt_failed"))
      expect(e.data).toMatchObject({ errorClass: "transient", code: "database_unavailable" });

    const { resource, shown } = await everythingShown(id);
    expectNoLeak(shown);
    expect(resource.blocked.reason).toMatch(/^Retries exhausted after 2 attempts of "Charge": The database/);
    const incidentId = INCIDENT.exec(resource.blocked.reason)?.[1];
    const line = logged.find((l) => l.incidentId === incidentId);
    expect(line).toMatchObject({ operationId: id, step: "charge", code: "database_unavailable" });
    expect(JSON.stringify(line)).toContain("pg_terminate_backend");
    expect(JSON.stringify(line)).toContain(LEAKY_EMAIL);
  });
});
