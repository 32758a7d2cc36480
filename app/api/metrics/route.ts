import { processServices } from "@/app/_lib/services";
import { metricsApi } from "@/server/http/metrics-api";
import { route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route((request: Request) => metricsApi(processServices(), request));
