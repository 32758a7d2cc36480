import type { Services } from "@/server/services";
import { requireScope } from "./authenticate";

/**
 * GET /api/metrics — Prometheus text format, for a scraper holding an API key with the
 * `metrics:read` scope (`Authorization: Bearer <key>`): no key 401, a key without it 403, as
 * problem details. Business series come from PostgreSQL (every replica answers the same); the
 * process series are this process's own. Series and scrape config: docs/observability.md.
 */
export async function metricsApi(
  services: Pick<Services, "db" | "metrics">,
  request: Request,
): Promise<Response> {
  const auth = await requireScope(services.db, request, "metrics:read");
  if (!auth.ok) return auth.response;
  const registry = services.metrics;
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
