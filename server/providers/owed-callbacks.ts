import { sql as dsql, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { simOwedCallbacks } from "@/db/schema";
import { type CallbackBody, type CallbackChannel, scheduleCallbacks, sendPlan } from "./carrier-callback";

/**
 * The simulated carrier's owed callbacks, made durable. `oweCallbacks` writes the row and sends
 * it on a timer in this process (the fast path: ~delay after booking), marking it done;
 * `sendOverdueCallbacks` — a worker's backstop pass — sends rows still not done OVERDUE_MS after
 * they were due, whose worker died (or stalled) first. A callback may therefore arrive twice,
 * which the wait answers as a replay: the first acknowledgment wins.
 */

/** Past its due time by this much, a row's own worker is presumed gone (its retries end within ~16 s). */
export const OVERDUE_MS = 20_000;
/** A backstop send claims its row this long, so two workers' passes do not send it at once. */
const CLAIM_MS = 30_000;
/** A row the backstop could not deliver after this many tries is given up: the wait's deadline decides. */
const MAX_ATTEMPTS = 5;

export async function oweCallbacks(
  db: Db,
  channel: CallbackChannel,
  callback: { url: string; token: string },
  bodies: CallbackBody[],
  delayMs: number,
): Promise<void> {
  if (bodies.length === 0) return;
  const [row] = await db
    .insert(simOwedCallbacks)
    .values({
      token: callback.token,
      url: callback.url,
      bodies,
      dueAt: dsql`now() + ${delayMs} * interval '1 millisecond'`,
    })
    .returning({ id: simOwedCallbacks.id });
  scheduleCallbacks(channel, callback, bodies, delayMs, () => {
    db.update(simOwedCallbacks)
      .set({ doneAt: dsql`now()` })
      .where(eq(simOwedCallbacks.id, row!.id))
      .catch(() => {
        // Not marked: the backstop sends it again later, answered as a replay.
      });
  });
}

/** One backstop pass: claims and sends overdue rows; answers how many it sent. */
export async function sendOverdueCallbacks(
  db: Db,
  channel: CallbackChannel,
  options: { overdueMs?: number; limit?: number } = {},
): Promise<number> {
  const overdueMs = options.overdueMs ?? OVERDUE_MS;
  const claimed = await db.$client<{ id: number; token: string; url: string; bodies: CallbackBody[] }[]>`
    update sim_owed_callbacks set due_at = now() + ${CLAIM_MS} * interval '1 millisecond',
      attempts = attempts + 1
    where id in (
      select id from sim_owed_callbacks
      where done_at is null and due_at < now() - ${overdueMs} * interval '1 millisecond'
      order by due_at limit ${options.limit ?? 20} for update skip locked)
    returning id, token, url, bodies, attempts`;
  for (const row of claimed) {
    const statuses = await sendPlan(channel, { token: row.token, url: row.url }, row.bodies);
    const delivered = statuses.every((s) => s >= 200 && s < 500 && s !== 404 && s !== 429);
    await db.$client`
      update sim_owed_callbacks set done_at = case when ${delivered} or attempts >= ${MAX_ATTEMPTS} then now() end
      where id = ${row.id}`;
  }
  return claimed.length;
}
