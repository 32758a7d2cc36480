import { processServices } from "@/app/_lib/services";
import { operationsApi } from "@/server/http/operations-api";
import { route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) =>
  operationsApi(processServices()).getOperation(request, (await context.params).id),
);
