import { processServices } from "@/app/_lib/services";
import { principalFromHeaders } from "@/server/auth/authenticate";
import { decide } from "@/server/auth/roles";
import { problem } from "@/server/http/problem";
import { hostileParameters } from "@/server/http/read-body";
import { route } from "@/server/http/route";
import { ZAuditFilterSchema } from "@/server/routers/audit.types";

export const dynamic = "force-dynamic";

/**
 * GET /api/audit/export?actor=&action=&workflowType=&from=&to= — the Audit page's records
 * as CSV, for signed-in staff (the session cookie; API keys cannot read the audit).
 */
export const GET = route(async (request: Request) => {
  const services = processServices();
  const { principal } = await principalFromHeaders(services, request.headers);
  const gate = decide(principal, { role: "support" });
  if (!gate.ok)
    return problem(gate.code === "UNAUTHORIZED" ? "unauthorized" : "forbidden", { detail: gate.message });

  const params = Object.fromEntries(
    [...new URL(request.url).searchParams].filter(([, v]) => v !== ""),
  ) as Record<string, string>;
  const hostile = hostileParameters(params, "/query");
  if (hostile) return hostile;
  const parsed = ZAuditFilterSchema.safeParse({
    ...params,
    from: params.from ? new Date(params.from) : undefined,
    to: params.to ? new Date(params.to) : undefined,
  });
  if (!parsed.success) return problem("invalid-request", { detail: "Unknown filter values." });

  const { text, truncated } = await services.presenters.auditCsv.call(parsed.data);
  const stamp = new Date().toISOString().replaceAll(":", "").slice(0, 15);
  return new Response(text, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="throughline-audit-${stamp}.csv"`,
      "cache-control": "no-store",
      ...(truncated ? { "x-truncated": "true" } : {}),
    },
  });
});
