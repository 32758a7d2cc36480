import { processServices } from "@/app/_lib/services";
import { health } from "@/server/http/health";

export const dynamic = "force-dynamic";

export function GET(): Promise<Response> {
  return health(() => processServices().db);
}
