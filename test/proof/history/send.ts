import { randomUUID } from "node:crypto";
import type { createCaller } from "@/server/routers/_app";
import { defaultRegistry } from "@/server/workflows";
import type { PlannedRequest, StartBody, Target } from "./plan";
import type { HistoryRecorder } from "./record";

export const BASE = "http://throughline.test";
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

type Caller = ReturnType<typeof createCaller>;

export interface SendContext {
  history: HistoryRecorder;
  client: number;
  request: PlannedRequest;
  keys: string[];
  http: {
    start(r: Request): Promise<Response>;
    get(r: Request, id: string): Promise<Response>;
    list(r: Request): Promise<Response>;
  };
  resolve(client: number, target: Target): { id: string; type: string } | null;
  callerFor(as: "operator" | "support", entry: number): Caller;
  /** A 2xx answer to a start; `fresh` when it created the operation (not a replay). */
  onAck(id: string, type: string, fresh: boolean): void;
  /** An operation's status as an answer showed it. */
  onSeen(id: string, status: string): void;
}

/** Sends one planned request the way a client would and records it with its answer. */
export async function sendRequest(c: SendContext): Promise<void> {
  const { history, request: r } = c;
  const who = `c${c.client}`;
  try {
    switch (r.op) {
      case "start":
      case "start_conflict": {
        const args = { apiKey: r.apiKey, key: r.key, body: r.body, retry: r.op === "start" && r.retry };
        await history.record(
          who,
          r.op,
          args,
          () => c.http.start(post(c.keys[r.apiKey]!, r.key, r.body)),
          async (res) => {
            const body = await res.json();
            const ok = res.status >= 200 && res.status < 300;
            if (ok) {
              c.onAck(body.id, body.type, res.headers.get("idempotent-replayed") !== "true");
              c.onSeen(body.id, body.status);
            }
            return ok
              ? {
                  status: res.status,
                  id: body.id,
                  opStatus: body.status,
                  replayed: res.headers.get("idempotent-replayed") === "true",
                }
              : { status: res.status, problem: body.type };
          },
        );
        return;
      }
      case "get": {
        const target = c.resolve(c.client, r.target);
        // Nothing acknowledged yet: ask for an id nobody has (a 404).
        const id = target?.id ?? randomUUID();
        await history.record(
          who,
          "get",
          { apiKey: r.apiKey, id },
          () => c.http.get(get(c.keys[r.apiKey]!, `/api/v1/operations/${id}`), id),
          async (res) => {
            const body = await res.json();
            if (res.status === 200) c.onSeen(id, body.status);
            return { status: res.status, opStatus: body.status ?? null };
          },
        );
        return;
      }
      case "list": {
        const query = r.status ? `?status=${r.status}&limit=20` : "?limit=20";
        await history.record(
          who,
          "list",
          { apiKey: r.apiKey, status: r.status },
          () => c.http.list(get(c.keys[r.apiKey]!, `/api/v1/operations${query}`)),
          async (res) => {
            const body = await res.json();
            const items: { id: string; status: string }[] = Array.isArray(body.items) ? body.items : [];
            for (const item of items) c.onSeen(item.id, item.status);
            return { status: res.status, rows: items.length };
          },
        );
        return;
      }
      case "search": {
        await history
          .record(
            who,
            "search",
            { q: r.q, status: r.status },
            (i) =>
              c.callerFor("support", i).search.operations({
                q: r.q,
                statuses: r.status ? [r.status as never] : undefined,
                limit: 20,
              }),
            (res) => {
              for (const row of res.rows) c.onSeen(row.id, row.status);
              return { ok: true, rows: res.rows.length };
            },
          )
          .catch(() => {});
        return;
      }
      case "bulk": {
        await bulkRequest(c, who, r);
        return;
      }
      case "action": {
        const target = c.resolve(c.client, r.target);
        if (!target) return;
        const steps = defaultRegistry.latest(target.type)?.steps.map((s) => s.name) ?? [];
        const step = steps[r.step % Math.max(1, steps.length)] ?? "none";
        await actionRequest(c, who, r, target.id, step);
        return;
      }
    }
  } catch {
    // Recorded with what was thrown; the client goes on with its next request.
  }
}

async function actionRequest(
  c: SendContext,
  who: string,
  r: Extract<PlannedRequest, { op: "action" }>,
  operationId: string,
  step: string,
): Promise<void> {
  const args: Record<string, unknown> = { action: r.action, operationId, step, as: r.as, reason: r.reason };
  await c.history
    .record(
      who,
      "action",
      args,
      async (i) => {
        // The entry's own index is its request id: the audit record names the request it answers.
        args.requestId = `h:${i}`;
        const caller = c.callerFor(r.as, i);
        const input = { operationId, reason: r.reason };
        switch (r.action) {
          case "replay":
            return caller.actions.replay({ ...input, step });
          case "run_now":
            return caller.actions.runNow({ ...input, step });
          case "skip":
            return caller.actions.skip({ ...input, step, output: { override: true, by: who } });
          default:
            return caller.actions[r.action](input);
        }
      },
      (res) => {
        c.onSeen(operationId, res.statusAfter);
        return {
          ok: true,
          statusBefore: res.statusBefore,
          statusAfter: res.statusAfter,
          auditSeq: res.auditSeq,
        };
      },
    )
    // A refusal is an answer (recorded with its code); one saying the operation is finished
    // tells the client so, as it would a person. Then the client goes on.
    .catch((error) => {
      const finished = /already (completed|failed)/.exec(error instanceof Error ? error.message : "");
      if (finished) c.onSeen(operationId, finished[1]!);
    });
}

/** A bulk action as an operator starts one from the console: the dry run, then its confirmation. */
async function bulkRequest(
  c: SendContext,
  who: string,
  r: Extract<PlannedRequest, { op: "bulk" }>,
): Promise<void> {
  const args: Record<string, unknown> = { action: r.action, workflowType: r.workflowType, reason: r.reason };
  await c.history
    .record(
      who,
      "bulk",
      args,
      async (i) => {
        args.requestId = `h:${i}`;
        const caller = c.callerFor("operator", i);
        const filter = { workflowType: r.workflowType, statuses: ["blocked" as const] };
        const dry = await caller.actions.bulk.dryRun({ filter, action: r.action, reason: r.reason });
        args.bulkActionId = dry.bulkActionId;
        const confirmed = await caller.actions.bulk.confirm({
          bulkActionId: dry.bulkActionId,
          count: dry.count,
        });
        return { ...dry, status: confirmed.status };
      },
      (res) => ({ ok: true, bulkActionId: res.bulkActionId, count: res.count, bulkStatus: res.status }),
    )
    .catch(() => {});
}

function post(key: string, idempotencyKey: string | null, body: StartBody): Request {
  return new Request(`${BASE}/api/v1/operations`, {
    method: "POST",
    headers: {
      ...bearer(key),
      "content-type": "application/json",
      ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
  });
}

const get = (key: string, path: string) => new Request(`${BASE}${path}`, { headers: bearer(key) });
