/** Where an inbox group leads: its exact operations, and a bulk resume of exactly them. */
export interface CauseGroupRef {
  cause: string;
  type: string;
  step: string;
}

/** The list of exactly this group's operations (`/inbox?type=…&cause=…`). */
export function causeHref(g: CauseGroupRef): string {
  return `/inbox?${new URLSearchParams({ type: g.type, cause: g.cause })}`;
}

/** Every blocked operation of one kind within a type (the business table's "retries ran out"). */
export function blockKindHref(type: string, kind: string): string {
  return `/inbox?${new URLSearchParams({ type, kind })}`;
}

/** The bulk form with this group (or block kind) as its filter and "resume" as its action. */
export function bulkResumeHref(
  g: { type: string } & ({ cause: string; step: string } | { kind: string }),
): string {
  const filter: Record<string, string> = "cause" in g ? { step: g.step, cause: g.cause } : { kind: g.kind };
  return `/bulk?${new URLSearchParams({ type: g.type, status: "blocked", ...filter, action: "resume" })}`;
}
