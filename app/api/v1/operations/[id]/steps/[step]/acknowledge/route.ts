import { processServices } from "@/app/_lib/services";
import { route } from "@/server/http/route";
import { waitsApi } from "@/server/http/waits-api";

export const dynamic = "force-dynamic";

export const POST = route(
  async (request: Request, context: { params: Promise<{ id: string; step: string }> }) => {
    const { id, step } = await context.params;
    return waitsApi(processServices()).acknowledge(request, id, step);
  },
);
