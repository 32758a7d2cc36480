import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ProviderName, simEffects, simFaults } from "@/db/schema";
import { type Queryable, transaction } from "@/db/transaction";
import { PermanentError, TransientError } from "@/server/workflows/kit/errors";
import type { CallbackChannel } from "./carrier-callback";

/** What every simulated provider call needs; tests inject the randomness. */
export interface ProviderRuntime {
  db: Db;
  /** 0–1; decides which calls the fault settings hit. */
  random(): number;
  /** How a provider calls a waiting step back (./carrier-callback.ts); none: it never does. */
  callbacks?: CallbackChannel;
}

export interface Faults {
  latencyMs: number;
  transientErrorRate: number;
  permanentErrorRate: number;
  loseAnswerRate: number;
}

const NO_FAULTS: Faults = { latencyMs: 0, transientErrorRate: 0, permanentErrorRate: 0, loseAnswerRate: 0 };

/** A provider's current fault settings (set from the sandbox page); none when it has no row. */
export async function readFaults(db: Db, provider: ProviderName): Promise<Faults> {
  const [row] = await db
    .select({
      latencyMs: simFaults.latencyMs,
      transientErrorRate: simFaults.transientErrorRate,
      permanentErrorRate: simFaults.permanentErrorRate,
      loseAnswerRate: simFaults.loseAnswerRate,
    })
    .from(simFaults)
    .where(eq(simFaults.provider, provider));
  return row ?? NO_FAULTS;
}

export interface ProviderCall<T> {
  provider: ProviderName;
  /** What the call does, e.g. `charge`; recorded in the ledger. */
  action: string;
  /** The caller's idempotency key: a repeat returns the first answer and applies nothing. */
  idempotencyKey: string;
  signal?: AbortSignal;
  /**
   * Changes the provider's own tables inside the ledger's transaction (`tx` is its drizzle
   * face); runs at most once per key. Throw to refuse (nothing is kept).
   */
  apply(tx: Queryable): Promise<T>;
}

/**
 * One call to a simulated external system, the way a real one behaves: it may be slow,
 * fail before doing anything (transient or permanent), or apply the effect and then lose
 * the answer. Applied effects go in the ledger under the idempotency key in the same
 * transaction as the change itself, so a repeat — concurrent or later — gets the first
 * answer and changes nothing.
 */
export async function callProvider<T>(rt: ProviderRuntime, call: ProviderCall<T>): Promise<T> {
  const faults = await readFaults(rt.db, call.provider);
  if (faults.latencyMs > 0) await sleep(faults.latencyMs, call.signal);
  if (rt.random() < faults.transientErrorRate) {
    throw new TransientError(`${call.provider} is temporarily unavailable (injected fault).`, {
      code: "unavailable",
    });
  }
  // A provider that honours idempotency keys never refuses a key it already applied (an
  // earlier answer was lost): it answers from its ledger. npm run chaos caught the fault
  // refusing such a repeat, so the step failed, its effect was never compensated, and failed
  // orders kept their charge.
  if (rt.random() < faults.permanentErrorRate && !(await alreadyApplied(rt.db, call))) {
    throw new PermanentError(`${call.provider} rejected the request (injected fault).`, { code: "rejected" });
  }
  const response = await applyOnce(rt.db, call);
  if (rt.random() < faults.loseAnswerRate) {
    throw new TransientError(
      `${call.provider} did not answer: the connection dropped after the request was sent (injected fault).`,
      {
        code: "answer_lost",
      },
    );
  }
  return response;
}

async function alreadyApplied(db: Db, call: ProviderCall<unknown>): Promise<boolean> {
  const [row] = await db
    .select({ key: simEffects.idempotencyKey })
    .from(simEffects)
    .where(and(eq(simEffects.provider, call.provider), eq(simEffects.idempotencyKey, call.idempotencyKey)));
  return row !== undefined;
}

async function applyOnce<T>(db: Db, call: ProviderCall<T>): Promise<T> {
  return transaction(db, async (tx) => {
    // Same key at the same time: the second waits for the first, then finds its answer.
    await tx.sql`select pg_advisory_xact_lock(hashtextextended(${`${call.provider}:${call.idempotencyKey}`}, 0))`;
    const [existing] = await tx.db
      .select({ response: simEffects.response })
      .from(simEffects)
      .where(and(eq(simEffects.provider, call.provider), eq(simEffects.idempotencyKey, call.idempotencyKey)));
    if (existing) return existing.response as T;
    const response = await call.apply(tx.db);
    await tx.db.insert(simEffects).values({
      provider: call.provider,
      idempotencyKey: call.idempotencyKey,
      action: call.action,
      outcome: "applied",
      response: (response ?? {}) as object,
    });
    return response;
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
