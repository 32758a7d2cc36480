import type { ActionRequest } from "@/server/actions/plans";
import type { OperationStatus } from "@/server/domain/statuses";

/** The sample and scripted workflows the recorder runs on real workers. */

const order = (over: Record<string, unknown> = {}) => ({
  orderId: `ord_${Math.random().toString(36).slice(2, 8)}`,
  customerEmail: "ada@example.com",
  items: [{ sku: "BOOK-42", quantity: 1 }],
  amountCents: 2599,
  currency: "EUR",
  ...over,
});
const account = (email: string) => ({
  accountId: `acct_${Math.random().toString(36).slice(2, 8)}`,
  email,
  country: "GB",
  documents: ["passport", "selfie"],
});
/** name, description, workflow, input, the status it reaches, then an action and the status after it. */
export const SAMPLE_RUNS: [
  string,
  string,
  string,
  unknown,
  OperationStatus,
  ActionRequest?,
  OperationStatus?,
][] = [
  ["order-completed", "An order: stock, payment, shipment, email.", "order.fulfill", order(), "completed"],
  [
    "order-declined",
    "The card was declined: stock released, failed.",
    "order.fulfill",
    order({ amountCents: 900_000 }),
    "failed",
  ],
  [
    "order-unknown-sku",
    "An item the warehouse does not stock: blocked.",
    "order.fulfill",
    order({ items: [{ sku: "NOPE-1", quantity: 1 }] }),
    "blocked",
  ],
  [
    "order-out-of-stock",
    "Not enough stock: blocked on the precondition.",
    "order.fulfill",
    order({ items: [{ sku: "RARE-1", quantity: 5 }] }),
    "blocked",
  ],
  [
    "order-cancelled",
    "Blocked on stock, then cancelled: failed.",
    "order.fulfill",
    order({ items: [{ sku: "NOPE-2", quantity: 1 }] }),
    "blocked",
    { action: "cancel" },
    "failed",
  ],
  [
    "account-review-pending",
    "High risk: waiting for a compliance officer.",
    "account.verify",
    account("grace+highrisk@example.com"),
    "blocked",
  ],
  [
    "account-approved",
    "High risk, approved by a reviewer: completed.",
    "account.verify",
    account("ada+highrisk@example.com"),
    "blocked",
    { action: "approve" },
    "completed",
  ],
  [
    "account-rejected",
    "High risk, rejected: documents deleted, failed.",
    "account.verify",
    account("eve+highrisk@example.com"),
    "blocked",
    { action: "reject" },
    "failed",
  ],
  [
    "account-low-risk",
    "Low risk: verified without a review.",
    "account.verify",
    account("bob+lowrisk@example.com"),
    "completed",
  ],
  [
    "report-export-sync",
    "A synchronous export.",
    "report.export",
    { report: "orders", rows: 10, format: "csv" },
    "completed",
  ],
  ["demo-noop", "Three no-op steps.", "demo.noop", { note: "hello" }, "completed"],
  [
    "scripted-timeout-retried",
    "Step c timed out once, then succeeded.",
    "test.scripted",
    { script: { c: ["hang"] } },
    "completed",
  ],
  [
    "scripted-unknown-exhausted",
    "An unexpected error three times: retries exhausted.",
    "test.scripted",
    { script: { a: ["unknown", "unknown", "unknown"] } },
    "blocked",
  ],
];
