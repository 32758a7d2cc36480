import { operationsApi } from "@/server/http/operations-api";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = route((request: Request) => operationsApi(getServices()).listWorkflows(request));
