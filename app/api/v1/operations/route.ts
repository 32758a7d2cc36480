import { processServices } from "@/app/_lib/services";
import { operationsApi } from "@/server/http/operations-api";
import { route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const POST = route((request: Request) => operationsApi(processServices()).startOperation(request));
export const GET = route((request: Request) => operationsApi(processServices()).listOperations(request));
