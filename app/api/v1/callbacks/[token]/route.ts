import { processServices } from "@/app/_lib/services";
import { route } from "@/server/http/route";
import { waitsApi } from "@/server/http/waits-api";

export const dynamic = "force-dynamic";

// No API key: the signed token in the URL is the only authority (server/waits/callback-token.ts).
export const POST = route(async (request: Request, context: { params: Promise<{ token: string }> }) =>
  waitsApi(processServices()).callback(request, (await context.params).token),
);
