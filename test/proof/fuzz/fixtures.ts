import { createApiKey } from "@/server/auth/api-keys";
import { createTrackToken } from "@/server/auth/track-token";
import { defaultRegistry } from "@/server/workflows";
import type { TestDatabase } from "@/test/db";
import { insertOperation } from "@/test/fixtures/operations";
import type { Pools } from "./from-zod";

/**
 * What the fuzz's actions can find: operations in every state with their real steps, a person
 * and a key to change (never the fuzz's own callers, so an admin's fuzzed call cannot lock the
 * rest of the run out), a live track link, and valid workflow inputs. Returns the pools the
 * arbitraries draw field values from, and the fixture operation ids (written without a timeline
 * on purpose, so the final half-written check skips them).
 */
export async function fuzzFixtures(t: TestDatabase): Promise<{ pools: Pools; fixtureIds: string[] }> {
  const { createStaffUser } = await import("@/server/auth/people");
  const { SYSTEM_ACTOR, NO_REQUEST } = await import("@/server/audit/write");
  const order = defaultRegistry.latest("order.fulfill")!;
  const steps = order.steps.map((s) => s.name);
  const shapes = [
    {
      status: "blocked",
      currentStep: steps[1],
      blockedKind: "retries_exhausted",
      blockedReason: "The payment service kept failing.",
      actionRequired: "Retry when it is back.",
    },
    {
      status: "blocked",
      currentStep: steps[0],
      blockedKind: "awaiting_person",
      blockedReason: "A person must approve.",
      actionRequired: "Approve or reject.",
    },
    { status: "failed", currentStep: steps[2], error: { message: "Carrier refused the address." } },
    { status: "processing", currentStep: steps[0] },
    { status: "completed", currentStep: null },
    { status: "accepted", currentStep: null },
  ] as const;
  const fixtureIds: string[] = [];
  for (const shape of shapes) {
    fixtureIds.push(
      await insertOperation(t.db.$client, {
        type: "order.fulfill",
        ...shape,
        reference: `ord_${fixtureIds.length}`,
        subject: "ada@example.com",
        input: order.exampleInput as Record<string, unknown>,
        steps: steps.map((name, i) => ({
          name,
          status:
            shape.status === "completed" || i < steps.indexOf(shape.currentStep ?? "")
              ? "succeeded"
              : "pending",
        })),
      }),
    );
  }
  const victim = await createStaffUser({
    db: t.db,
    email: "victim@fuzz.test",
    name: "victim",
    password: "victim password 123",
    role: "support",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  const victimKey = await createApiKey({ db: t.db, name: "victim", scopes: ["operations:read"] });
  const workflows = defaultRegistry.list();
  const pools: Pools = {
    operationId: fixtureIds,
    id: fixtureIds,
    userId: victim.type === "created" ? [victim.userId] : [],
    keyId: [victimKey.id],
    type: workflows.map((w) => w.type),
    workflowType: workflows.map((w) => w.type),
    step: workflows.flatMap((w) => w.steps.map((s) => s.name)),
    reason: [
      "The customer confirmed by phone; retrying now.",
      "Provider outage is over, continuing the order.",
    ],
    token: [createTrackToken(fixtureIds[0]!)],
    // Sync workflows would hold each start for their budget with no worker running: inputs of staged ones.
    input: workflows.filter((w) => w.completion.mode === "staged").map((w) => w.exampleInput),
    q: [...fixtureIds, "ord_1", "ada@example.com"],
    /** Each type with an input its schema accepts (not a field name: for whole valid requests). */
    exampleInput: workflows.map((w) => ({ type: w.type, input: w.exampleInput })),
  };
  return { pools, fixtureIds };
}
