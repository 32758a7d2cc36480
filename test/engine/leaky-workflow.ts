import { sql } from "drizzle-orm";
import { z } from "zod";
import { createDb, type Db } from "@/db/client";
import { simCharges } from "@/db/schema";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { defineWorkflow } from "@/server/workflows/kit/types";

/**
 * A workflow whose step hits real PostgreSQL errors that quote SQL and personal data — what a
 * provider's unexpected failure looks like (issue 15 hole 4):
 * - `overflow`: inserts an amount past the integer column's range into a real table, with the
 *   customer's email among the parameters (SQLSTATE 22003, drizzle's message quotes both);
 * - `disconnect`: its own connection is terminated mid-query, the query naming the email
 *   (SQLSTATE 57P01: a connection loss).
 * The step uses its own one-connection pool so terminating it disturbs no engine query.
 */
export const LEAKY_TYPE = "test.leaky";
export const LEAKY_EMAIL = "leak.victim@example.com";
export const OVERFLOW_AMOUNT = 2_147_483_648;
export const LEAKY_MAX_ATTEMPTS = 2;

export function leakyRegistry(url: string): { registry: WorkflowRegistry; close(): Promise<void> } {
  const own: Db = createDb(url, { max: 1, applicationName: "leaky-step" });
  const workflow = defineWorkflow({
    type: LEAKY_TYPE,
    version: 1,
    title: "Leaky (test)",
    description: "A step that fails inside the database.",
    input: z.object({ mode: z.enum(["overflow", "disconnect"]) }).strict(),
    exampleInput: { mode: "overflow" },
    completion: { mode: "staged" },
    text: { accepted: "Received", completed: "Done", failed: "We could not finish this" },
    objective: { p95Ms: 60_000 },
    stuckAfterMs: 3_600_000,
    runbook: "Look the incident up in the log.",
    steps: [
      {
        name: "charge",
        title: "Charge",
        userText: "Taking payment",
        effect: {
          description: "Writes a charge row the database refuses.",
          run: async ({ input, operationId }) => {
            if (input.mode === "overflow") {
              await own.insert(simCharges).values({
                id: `ch_${operationId}`,
                orderId: "ord_leak",
                customerEmail: LEAKY_EMAIL,
                amountCents: OVERFLOW_AMOUNT,
                currency: "EUR",
              });
            } else {
              await own.execute(
                sql`select pg_terminate_backend(pg_backend_pid()) where ${LEAKY_EMAIL} <> ''`,
              );
            }
            return null;
          },
        },
        compensation: { none: "Nothing was written." },
        retry: { maxAttempts: LEAKY_MAX_ATTEMPTS, initialDelayMs: 10, backoff: 1, maxDelayMs: 10 },
        timeoutMs: 5_000,
      },
    ],
  });
  return { registry: new WorkflowRegistry([workflow]), close: () => own.$client.end({ timeout: 0 }) };
}
