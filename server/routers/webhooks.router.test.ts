import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { deliverWebhooks } from "@/server/webhooks/deliver";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import { TEST_ADMIN } from "@/test/principals";
import { testServices } from "@/test/services";
import { createCaller } from "./_app";

let t: TestDatabase;
let services: Services;
const admin = () => createCaller(createContextInner({ principal: TEST_ADMIN, services }));
const REASON = "The receiver is being moved";

beforeAll(async () => {
  // Nothing listens on this loopback port: the delivery fails, which is all this test needs.
  vi.stubEnv("THROUGHLINE_ALLOW_PRIVATE_URLS", "1");
  t = await createTestDatabase();
  services = testServices(t);
});
afterAll(async () => {
  await services.close();
  await t.drop();
  vi.unstubAllEnvs();
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: TRPCError) => `${e.code} ${(e.cause as { type?: string } | undefined)?.type ?? ""}`.trim(),
  );

describe("webhooks router", () => {
  it("registers (the secret once), lists without it, logs deliveries, disables, re-enables and redelivers", async () => {
    const { endpointId, secret } = await admin().webhooks.register({
      url: "http://127.0.0.1:9/hook",
      eventTypes: ["operation.status_changed"],
      workflowTypes: ["demo.noop"],
      description: "Partner CRM",
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { endpoints } = await admin().webhooks.list();
    expect(endpoints).toEqual([
      expect.objectContaining({
        id: endpointId,
        enabled: true,
        workflowTypes: ["demo.noop"],
        pending: 0,
        dead: 0,
      }),
    ]);
    expect(JSON.stringify(endpoints)).not.toContain(secret);

    const op = await insertOperation(t.db.$client);
    await t.db.$client`update operations set status = 'processing' where id = ${op}`;
    await deliverWebhooks({ db: t.db, now: () => new Date(Date.now() + 1000) });
    const { deliveries } = await admin().webhooks.deliveries({ endpointId });
    expect(deliveries).toEqual([
      expect.objectContaining({
        type: "operation.status_changed",
        operationId: op,
        status: "pending",
        attempts: 1,
        log: [
          expect.objectContaining({
            attempt: 1,
            statusCode: null,
            error: expect.stringContaining("ECONNREFUSED"),
          }),
        ],
      }),
    ]);
    expect(await codeOf(admin().webhooks.redeliver({ deliveryId: deliveries[0]!.id, reason: REASON }))).toBe(
      "PRECONDITION_FAILED invalid_state",
    );

    expect(await codeOf(admin().webhooks.setEnabled({ endpointId, enabled: false, reason: "no" }))).toBe(
      "BAD_REQUEST invalid_input",
    );
    expect(await admin().webhooks.setEnabled({ endpointId, enabled: false, reason: REASON })).toEqual({
      enabled: false,
    });
    expect(await codeOf(admin().webhooks.setEnabled({ endpointId, enabled: false, reason: REASON }))).toBe(
      "CONFLICT already_done",
    );
    // Parked while disabled: no next try to show.
    expect((await admin().webhooks.deliveries({ endpointId })).deliveries[0]!.nextAttemptAt).toBeNull();
    expect((await admin().webhooks.list()).endpoints[0]).toMatchObject({
      enabled: false,
      disabledReason: `Disabled by admin@test.local: ${REASON}`,
    });
    expect(await admin().webhooks.setEnabled({ endpointId, enabled: true, reason: REASON })).toEqual({
      enabled: true,
    });
    expect((await admin().webhooks.deliveries({ endpointId })).deliveries[0]!.nextAttemptAt).toBeInstanceOf(
      Date,
    );
    const audit = await t.db.$client<{ action: string }[]>`
      select action::text from audit_records where details->>'endpointId' = ${endpointId} order by seq`;
    expect(audit.map((a) => a.action)).toEqual([
      "webhook_endpoint_created",
      "webhook_endpoint_disabled",
      "webhook_endpoint_enabled",
    ]);
  });

  it("refuses bad endpoints with typed errors naming the field", async () => {
    const bad = (input: Record<string, unknown>) =>
      codeOf(
        admin().webhooks.register({
          eventTypes: ["operation.failed"],
          url: "https://example.com",
          ...input,
        } as never),
      );
    expect(await bad({ url: "not a url" })).toBe("BAD_REQUEST invalid_input");
    expect(await bad({ url: "ftp://example.com/x" })).toBe("BAD_REQUEST invalid_input");
    expect(await bad({ url: "https://user:pw@example.com/x" })).toBe("BAD_REQUEST invalid_input");
    expect(await bad({ url: "http://127.0.0.1:9/x", workflowTypes: ["no.such_type"] })).toBe(
      "BAD_REQUEST invalid_input",
    );
    expect(await bad({ eventTypes: [] })).toBe("BAD_REQUEST");
    expect(await bad({ eventTypes: ["operation.exploded"] })).toBe("BAD_REQUEST");
    expect(await codeOf(admin().webhooks.redeliver({ deliveryId: 987_654, reason: REASON }))).toBe(
      "NOT_FOUND not_found",
    );
  });
});
