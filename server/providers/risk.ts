import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { simAccounts, simDocuments, simReviews, simRiskAssessments } from "@/db/schema";
import type { Queryable } from "@/db/transaction";
import { callProvider, type ProviderRuntime } from "./runtime";

/** Scores from here up need a compliance officer. */
export const HIGH_RISK_SCORE = 70;
const HIGH_RISK_COUNTRIES = new Set(["KP", "IR", "SY", "CU"]);

export interface Account {
  id: string;
  email: string;
  country: string;
  status: "pending" | "active" | "closed";
}

export type ReviewStatus = "pending" | "approved" | "rejected";

/**
 * The risk and compliance service: keeps the accounts awaiting verification and their
 * documents, scores them, and holds the compliance officers' reviews.
 */
export function riskProvider(rt: ProviderRuntime) {
  const { db } = rt;
  return {
    async getAccount(accountId: string): Promise<Account | null> {
      const [row] = await db
        .select({
          id: simAccounts.id,
          email: simAccounts.email,
          country: simAccounts.country,
          status: simAccounts.status,
        })
        .from(simAccounts)
        .where(eq(simAccounts.id, accountId));
      return row ?? null;
    },

    /** Files the applicant's documents, opening the account (pending) on first sight. */
    collectDocuments(options: {
      account: Omit<Account, "status">;
      documents: string[];
      idempotencyKey: string;
      signal?: AbortSignal;
    }) {
      return callProvider(rt, {
        provider: "risk",
        action: "collect_documents",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          await tx.insert(simAccounts).values(options.account).onConflictDoNothing();
          await tx
            .insert(simDocuments)
            .values(options.documents.map((kind) => ({ accountId: options.account.id, kind })));
          return { documents: options.documents.length };
        },
      });
    },

    /** Deletes what was collected (the compensation: keep no documents for a refused account). */
    deleteDocuments(options: { accountId: string; idempotencyKey: string; signal?: AbortSignal }) {
      return callProvider(rt, {
        provider: "risk",
        action: "delete_documents",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const rows = await tx
            .update(simDocuments)
            .set({ status: "deleted" })
            .where(and(eq(simDocuments.accountId, options.accountId), eq(simDocuments.status, "collected")))
            .returning({ id: simDocuments.id });
          return { deleted: rows.length };
        },
      });
    },

    /** Scores the applicant, 0–100: deterministic, so a repeat scores the same. */
    assess(options: {
      account: Omit<Account, "status">;
      documents: number;
      idempotencyKey: string;
      signal?: AbortSignal;
    }) {
      return callProvider(rt, {
        provider: "risk",
        action: "assess",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const { score, reasons } = scoreApplicant(options.account, options.documents);
          const level = score >= HIGH_RISK_SCORE ? ("high" as const) : ("low" as const);
          await tx
            .insert(simRiskAssessments)
            .values({ accountId: options.account.id, score, level, reasons });
          return { score, level, reasons };
        },
      });
    },

    /** The review for this verification, opened (pending) on first call. */
    requestReview(options: {
      operationId: string;
      accountId: string;
      score: number;
      idempotencyKey: string;
      signal?: AbortSignal;
    }) {
      return callProvider(rt, {
        provider: "risk",
        action: "request_review",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          await tx
            .insert(simReviews)
            .values({ operationId: options.operationId, accountId: options.accountId, score: options.score })
            .onConflictDoNothing();
          return { requested: true };
        },
      }).then(() => getReview(db, options.operationId));
    },

    /**
     * Whether an order needs the customer to confirm where it goes before it is charged: a
     * read (deterministic, so a re-check answers the same), no ledger entry.
     */
    async assessOrder(order: {
      customerEmail: string;
      amountCents: number;
      country: string;
    }): Promise<{ flagged: boolean; reasons: string[] }> {
      return orderRisk(order);
    },

    /** Opens the account for business (the last step of a verification). */
    activate(options: { accountId: string; idempotencyKey: string; signal?: AbortSignal }) {
      return callProvider(rt, {
        provider: "risk",
        action: "activate",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const [row] = await tx
            .update(simAccounts)
            .set({ status: "active", activatedAt: sql`now()` })
            .where(eq(simAccounts.id, options.accountId))
            .returning({ activatedAt: simAccounts.activatedAt });
          return { accountId: options.accountId, activatedAt: row?.activatedAt ?? null };
        },
      });
    },
  };
}

export type RiskProvider = ReturnType<typeof riskProvider>;

/** A review as the compliance officer left it (read fresh: it is the authoritative decision). */
export async function getReview(db: Queryable, operationId: string) {
  const [row] = await db
    .select({
      status: simReviews.status,
      reviewer: simReviews.reviewer,
      note: simReviews.note,
      score: simReviews.score,
    })
    .from(simReviews)
    .where(eq(simReviews.operationId, operationId));
  return row ?? null;
}

function scoreApplicant(account: Omit<Account, "status">, documents: number) {
  // Demo hooks: a `+highrisk` or `+lowrisk` address decides the outcome outright.
  if (account.email.includes("+highrisk")) return { score: 95, reasons: ["flagged address (demo)"] };
  if (account.email.includes("+lowrisk")) return { score: 5, reasons: [] };
  const reasons: string[] = [];
  let score = createHash("sha256").update(account.email.toLowerCase()).digest()[0]! % 50;
  if (HIGH_RISK_COUNTRIES.has(account.country.toUpperCase())) {
    score += 40;
    reasons.push(`country ${account.country} is high risk`);
  }
  if (documents < 2) {
    score += 25;
    reasons.push("fewer than two documents");
  }
  return { score: Math.min(100, score), reasons };
}

/** Orders from here up (100,000.00) are confirmed with the customer before they are charged. */
export const ORDER_REVIEW_CENTS = 10_000_000;

/** An order's risk flags: the `+highrisk` demo address, a large amount, a high-risk destination. */
export function orderRisk(order: { customerEmail: string; amountCents: number; country: string }) {
  const reasons: string[] = [];
  if (order.customerEmail.includes("+highrisk")) reasons.push("flagged address (demo)");
  if (order.amountCents >= ORDER_REVIEW_CENTS) reasons.push("large amount");
  if (HIGH_RISK_COUNTRIES.has(order.country.toUpperCase()))
    reasons.push(`destination ${order.country} is high risk`);
  return { flagged: reasons.length > 0, reasons };
}
