/** Closed sets of bulk actions (server/bulk), defined once: database enums and TS types. */

/** What a bulk action does to each operation of its frozen target set. */
export const BULK_ACTION_KINDS = ["retry", "replay", "resume", "skip", "cancel", "compensate"] as const;
export type BulkActionKind = (typeof BULK_ACTION_KINDS)[number];

/**
 * A bulk action's life: a dry run freezes the targets; confirming starts the canary, then
 * the rest; a person may pause, resume or abort it; a failed canary pauses it.
 */
export const BULK_STATUSES = ["dry_run", "running", "paused", "aborted", "completed"] as const;
export type BulkStatus = (typeof BULK_STATUSES)[number];

/** One target's outcome: done, nothing to do (already done or not applicable), or an error. */
export const BULK_OUTCOMES = ["pending", "succeeded", "already_done", "refused", "failed"] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];
