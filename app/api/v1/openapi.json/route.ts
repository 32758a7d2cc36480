import { openApiDocument } from "@/server/http/openapi";
import { json } from "@/server/http/problem";

export const dynamic = "force-static";

export function GET(): Response {
  return json(openApiDocument());
}
