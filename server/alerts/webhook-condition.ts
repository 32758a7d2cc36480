import type { SqlQueryable } from "@/db/transaction";
import type { Condition } from "./condition";
import { ALL_TYPES, type AlertRule } from "./rules";

/**
 * webhook_failing: one condition per endpoint whose deliveries failed `threshold` times in a row
 * (the deliverer's `consecutive_failures`, reset by a success or an admin's re-enable), scoped by
 * the endpoint's id. An endpoint the deliverer disabled keeps its count, so the alert stays open
 * until an admin re-enables it and it answers again.
 */
export async function webhookFailing(sql: SqlQueryable, rules: AlertRule[]): Promise<Condition[]> {
  const r = rules.find((x) => x.workflowType === ALL_TYPES);
  if (!r) return [];
  const rows = await sql<
    { id: string; url: string; failures: number; enabled: boolean; reason: string | null }[]
  >`
    select id, url, consecutive_failures as failures, enabled, disabled_reason as reason
    from webhook_endpoints where consecutive_failures >= ${r.threshold} order by id`;
  return rows.map((e) => ({
    rule: "webhook_failing" as const,
    workflowType: ALL_TYPES,
    scope: e.id,
    summary: `webhook endpoint ${hostOf(e.url)} failed ${e.failures} deliveries in a row${
      e.enabled ? "" : ` and is disabled${e.reason ? `: ${e.reason}` : ""}`
    }`,
    affectedCount: 0,
    oldestAt: null,
    sample: [],
  }));
}

/** The host only: a URL's path or query may carry a receiver's token. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}
