import type { Db } from "@/db/client";
import { appliedMigrationState } from "@/db/migrate";

/** Longer than this and the database counts as unreachable: a probe must answer quickly. */
const DATABASE_TIMEOUT_MS = 2_000;

/**
 * Liveness and readiness in one: 200 with the applied migration when PostgreSQL answers,
 * 503 when it does not answer within two seconds (or the pool cannot even be made).
 */
export async function health(db: () => Db): Promise<Response> {
  try {
    const state = await withTimeout(appliedMigrationState(db().$client), DATABASE_TIMEOUT_MS);
    return Response.json(
      { status: "ok", database: "reachable", migration: state.tag, migrationsApplied: state.applied },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    console.error(`[health] database unreachable: ${(error as Error).message}`);
    return Response.json(
      { status: "unavailable", database: "unreachable" },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
