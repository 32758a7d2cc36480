import type { ActionName } from "@/server/actions/plans";
import { type Prng, prng } from "./prng";

/**
 * The request plan of a history run: for each client, the requests it sends in order, drawn
 * from one seed. Same seed → same plan, request for request. Targets of reads and actions
 * are indexes ("the 3rd operation acknowledged to me / to anyone"), resolved when the request
 * is sent, so the plan itself depends on nothing the run does.
 */
export interface StartBody {
  type: string;
  input: Record<string, unknown>;
  subject?: string;
  reference?: string;
}

/**
 * Which acknowledged operation a read or an action is about: one this client started, anyone's,
 * or one the client last saw unfinished (what an operator looks for: blocked or stuck work).
 */
export interface Target {
  scope: "own" | "any" | "attention";
  index: number;
}

export type PlannedRequest =
  /** POST /api/v1/operations; `retry` re-sends a key this client (or a sibling) used, same body. */
  | { op: "start"; apiKey: number; key: string | null; body: StartBody; retry: boolean }
  /** The same key with another body: a 422, never a second operation. */
  | { op: "start_conflict"; apiKey: number; key: string; body: StartBody }
  | { op: "get"; apiKey: number; target: Target }
  | { op: "list"; apiKey: number; status: string | null }
  /** tRPC search.operations as support staff. */
  | { op: "search"; q: string | null; status: string | null }
  /** tRPC actions.<action> as an operator (or, to be refused, support staff). */
  | {
      op: "action";
      action: ActionName;
      target: Target;
      step: number;
      reason: string;
      as: "operator" | "support";
    }
  /** tRPC actions.bulk: a dry run over a type's blocked operations, then its confirmation. */
  | { op: "bulk"; action: "resume" | "cancel" | "retry"; workflowType: string; reason: string };

export interface WorkloadShape {
  clients: number;
  requestsPerClient: number;
  /** API keys the clients share (idempotency keys are scoped per key). */
  apiKeys: number;
}

export const SKUS = ["SKU-A", "SKU-B", "SKU-C", "SKU-D"] as const;
const ACTIONS: ActionName[] = [
  "replay",
  "resume",
  "skip",
  "compensate",
  "cancel",
  "retry",
  "approve",
  "reject",
];
/** Lists look for blocked work more often than for anything else, as an operator's would. */
const STATUS_FILTERS = [null, "blocked", "blocked", "blocked", "completed", "failed", "processing"] as const;
const REASONS = [
  "Customer called; checked by hand in the shop.",
  "Provider outage is over, continuing.",
  "Ops ticket OPS-4411: verified with finance.",
  "Duplicate order confirmed with the customer.",
];

/** A key shared by every client of one API key: its body is a function of the key, so repeats are the same request. */
const sharedKey = (apiKey: number, n: number) => `shared-${apiKey}-${n}`;

export function planWorkload(seed: number, shape: WorkloadShape): PlannedRequest[][] {
  return Array.from({ length: shape.clients }, (_, client) => {
    const r = prng((seed ^ Math.imul(client + 1, 0x9e3779b1)) >>> 0);
    const apiKey = client % shape.apiKeys;
    const used: { key: string; body: StartBody }[] = [];
    const requests: PlannedRequest[] = [];
    for (let n = 0; n < shape.requestsPerClient; n++) {
      requests.push(nextRequest(r, client, n, apiKey, used));
    }
    return requests;
  });
}

function nextRequest(
  r: Prng,
  client: number,
  n: number,
  apiKey: number,
  used: { key: string; body: StartBody }[],
): PlannedRequest {
  const roll = r.next();
  const target = (): Target => {
    const s = r.next();
    return { scope: s < 0.2 ? "own" : s < 0.3 ? "any" : "attention", index: r.int(1_000_000) };
  };
  // The first requests of a client are starts, so later ones have something to act on.
  if (n < 2 || roll < 0.36) {
    if (used.length > 0 && r.chance(0.12)) {
      const again = r.pick(used);
      return { op: "start", apiKey, key: again.key, body: again.body, retry: true };
    }
    if (used.length > 0 && r.chance(0.03)) {
      const again = r.pick(used);
      return { op: "start_conflict", apiKey, key: again.key, body: conflicting(again.body) };
    }
    if (r.chance(0.08)) {
      // Concurrent duplicates: every client of this API key draws from the same few keys.
      const key = sharedKey(apiKey, r.int(12));
      const body = bodyOf(prng(hash(key)), key);
      used.push({ key, body });
      return { op: "start", apiKey, key, body, retry: false };
    }
    const key = r.chance(0.85) ? `c${client}-${n}` : null;
    const body = bodyOf(r, `c${client}-${n}`);
    if (key) used.push({ key, body });
    return { op: "start", apiKey, key, body, retry: false };
  }
  if (roll < 0.5) return { op: "get", apiKey, target: target() };
  if (roll < 0.56) return { op: "list", apiKey, status: r.pick(STATUS_FILTERS) };
  if (roll < 0.565)
    return {
      op: "bulk",
      action: r.pick(["resume", "resume", "cancel", "retry"] as const),
      workflowType: r.pick(["order.fulfill", "account.verify"]),
      reason: r.pick(REASONS),
    };
  if (roll < 0.62)
    return { op: "search", q: r.chance(0.5) ? `ord-c${r.int(50)}` : null, status: r.pick(STATUS_FILTERS) };
  return {
    op: "action",
    action: r.pick(ACTIONS),
    target: target(),
    step: r.int(4),
    // A few reasons too short to count: refused, and never audited.
    reason: r.chance(0.03) ? "ok" : r.pick(REASONS),
    as: r.chance(0.03) ? "support" : "operator",
  };
}

function bodyOf(r: Prng, tag: string): StartBody {
  const kind = r.next();
  if (kind < 0.45) {
    const orderId = `ord-${tag}`;
    return {
      type: "order.fulfill",
      input: {
        orderId,
        customerEmail: `${tag}@example.com`,
        // Now and then a SKU the warehouse does not stock: blocked on invalid input.
        items: [{ sku: r.chance(0.05) ? "SKU-UNKNOWN" : r.pick(SKUS), quantity: 1 + r.int(3) }],
        amountCents: 100 + r.int(50_000),
      },
      subject: `${tag}@example.com`,
      reference: orderId,
    };
  }
  if (kind < 0.7) {
    return {
      type: "account.verify",
      input: { accountId: `acc-${tag}`, email: `${tag}@example.com`, country: "DE", documents: ["passport"] },
      subject: `${tag}@example.com`,
    };
  }
  if (kind < 0.9) return { type: "demo.noop", input: { note: tag } };
  return { type: "report.export", input: { report: "orders", rows: 100 + r.int(5_000) } };
}

function conflicting(body: StartBody): StartBody {
  // The reference is part of the request: same key, another request.
  return { ...body, reference: `${body.reference ?? "x"}-other` };
}

/** FNV-1a: a shared key's body is drawn from a generator seeded by the key itself. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
