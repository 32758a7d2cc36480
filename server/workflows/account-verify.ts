import { z } from "zod";
import type { Providers } from "@/server/providers";
import { NeedsPersonError, PermanentError } from "@/server/workflows/kit/errors";
import { PROVIDER_RETRY, PROVIDER_TIMEOUT_MS, QUICK_RETRY } from "./kit/policies";
import { defineWorkflow, type PreconditionResult } from "./kit/types";

/**
 * Verify a new customer account: collect documents → automated risk check → manual review
 * when the risk is high → activate. A high score blocks the operation (`awaiting_person`)
 * until a compliance officer approves or rejects the review (the operator actions `approve` /
 * `reject`, server/actions/perform.ts); a rejection fails it and deletes the documents.
 */
const DOCUMENT_KINDS = ["passport", "id_card", "driving_licence", "proof_of_address", "selfie"] as const;

const input = z.object({
  accountId: z.string().min(1).max(64),
  email: z.email().max(254),
  country: z.string().length(2),
  documents: z.array(z.enum(DOCUMENT_KINDS)).min(1).max(10),
});
type Input = z.output<typeof input>;

const account = (i: Input) => ({ id: i.accountId, email: i.email, country: i.country.toUpperCase() });

/** Only a pending account can be verified; a closed or active one means the request is stale. */
async function accountStillPending(providers: Providers, { accountId }: Input): Promise<PreconditionResult> {
  const found = await providers.risk.getAccount(accountId);
  if (found?.status === "closed")
    return { ok: false, outcome: "fail", reason: `Account ${accountId} was closed.` };
  if (found?.status === "active") {
    return { ok: false, outcome: "fail", reason: `Account ${accountId} is already verified and active.` };
  }
  return { ok: true };
}

export const accountVerify = defineWorkflow({
  type: "account.verify",
  version: 1,
  title: "Verify an account",
  description:
    "Collects identity documents, scores the risk, asks a compliance officer when it is high, then activates.",
  input,
  exampleInput: {
    accountId: "acct_2001",
    email: "grace@example.com",
    country: "GB",
    documents: ["passport", "selfie"],
  },
  completion: { mode: "staged" },
  text: {
    accepted: "We've received your documents.",
    completed: "Your account is verified and ready to use.",
    failed: "We couldn't verify your account. Your documents have been deleted.",
  },
  // Most verifications are automatic; a manual review takes up to a working day.
  objective: { p95Ms: 24 * 60 * 60_000 },
  stuckAfterMs: 30 * 60_000,
  runbook: [
    "Awaiting a person: open the review, check the documents, then approve or reject it.",
    "Retries exhausted: check the risk service's faults on the sandbox page, fix them, then resume.",
    "A rejected verification fails and its documents are deleted (see the compensation on the timeline).",
  ].join("\n"),
  steps: [
    {
      name: "collect_documents",
      title: "Collect documents",
      userText: "Checking your documents",
      guards:
        "the account is still pending; skipped, the documents are never filed and the risk check scores an account with none.",
      precondition: {
        description: "The account is not already active or closed.",
        check: ({ input, providers }) => accountStillPending(providers, input),
      },
      effect: {
        description: "Files the documents with the compliance service, opening the account as pending.",
        run: ({ input, idempotencyKey, signal, providers }) =>
          providers.risk.collectDocuments({
            account: account(input),
            documents: input.documents,
            idempotencyKey,
            signal,
          }),
      },
      compensation: {
        description: "Deletes the collected documents: nothing is kept for an account that was not verified.",
        run: async ({ input, idempotencyKey, signal, providers }) => {
          await providers.risk.deleteDocuments({ accountId: input.accountId, idempotencyKey, signal });
        },
      },
      retry: PROVIDER_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The compliance service may have filed the documents; resuming repeats the request with the same idempotency key, which does not file them twice.",
      errors: { transient: "The compliance service is unavailable or its answer was lost." },
    },
    {
      name: "risk_check",
      title: "Risk check",
      userText: "Running our security checks",
      effect: {
        description: "Scores the applicant from 0 to 100 (country, documents, history).",
        run: ({ input, idempotencyKey, signal, providers }) =>
          providers.risk.assess({
            account: account(input),
            documents: input.documents.length,
            idempotencyKey,
            signal,
          }),
      },
      compensation: { none: "An assessment changes nothing but the risk service's own records." },
      retry: PROVIDER_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The risk service may have scored the applicant; resuming repeats the request with the same idempotency key, which returns the same score.",
      errors: { transient: "The risk service is unavailable or its answer was lost." },
    },
    {
      name: "manual_review",
      title: "Manual review",
      userText: "A specialist is reviewing your application",
      guards:
        "a compliance officer's decision on a high-risk applicant; skipped, the account is activated without anyone reviewing it.",
      userWaitText:
        "A member of our compliance team is reviewing your documents. You don't need to do anything; we'll update you here.",
      effect: {
        description:
          "Low risk passes at once; high risk opens a review and waits for a compliance officer's decision.",
        run: async ({ operationId, input, outputs, idempotencyKey, signal, providers }) => {
          const risk = outputs.risk_check as { score: number; level: "low" | "high" };
          if (risk.level === "low") return { review: "not_needed", score: risk.score };
          const review = await providers.risk.requestReview({
            operationId,
            accountId: input.accountId,
            score: risk.score,
            idempotencyKey,
            signal,
          });
          if (review?.status === "approved")
            return { review: "approved", reviewer: review.reviewer, note: review.note };
          if (review?.status === "rejected") {
            throw new PermanentError(
              `A compliance officer rejected the verification: ${review.note ?? "no reason given"}`,
              {
                code: "review_rejected",
              },
            );
          }
          throw new NeedsPersonError(
            `Risk score ${risk.score} is high: a compliance officer must review the documents.`,
            {
              kind: "awaiting_person",
              actionRequired: "Review the documents, then approve or reject the verification.",
              code: "review_pending",
            },
          );
        },
      },
      compensation: { none: "A review is the record of a decision; there is nothing to undo." },
      retry: QUICK_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The compliance service may have opened the review; resuming repeats the request with the same idempotency key, which does not open a second one.",
      errors: {
        permanent: "The reviewer rejected the verification.",
        needs_person: "The risk is high: a compliance officer must decide.",
      },
    },
    {
      name: "activate",
      title: "Activate the account",
      userText: "Opening your account",
      precondition: {
        description: "The account was not closed while it was being verified.",
        check: ({ input, providers }) => accountStillPending(providers, input),
      },
      effect: {
        description: "Activates the account.",
        run: ({ input, idempotencyKey, signal, providers }) =>
          providers.risk.activate({ accountId: input.accountId, idempotencyKey, signal }),
      },
      compensation: { none: "Activation is the last step; closing an account again is a separate request." },
      retry: PROVIDER_RETRY,
      timeoutMs: PROVIDER_TIMEOUT_MS,
      unknownOutcomeText:
        "The compliance service may have activated the account; resuming repeats the request with the same idempotency key, which does not activate it twice.",
      errors: { transient: "The compliance service is unavailable or its answer was lost." },
    },
  ],
});
