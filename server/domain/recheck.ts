/**
 * The authoritative changes a blocked precondition may wait for (closed set): when one
 * happens (the warehouse restocks, the shop changes an order), every operation blocked on a
 * precondition that re-checks on it is checked again at once instead of at its next backoff.
 */
export const RECHECK_SIGNALS = ["warehouse.stock", "shop.orders"] as const;
export type RecheckSignal = (typeof RECHECK_SIGNALS)[number];
