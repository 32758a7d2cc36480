import { json } from "@/server/http/problem";
import { openApiDocument } from "@/server/http/openapi";

export const dynamic = "force-static";

export function GET(): Response {
  return json(openApiDocument());
}
