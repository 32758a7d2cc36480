import type { Middleware } from "openapi-fetch";
import { z } from "zod";
import { openApiDocument } from "@/server/http/openapi";

interface DocumentedResponse {
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, { schema: object }>;
}
type Operations = Record<string, { responses: Record<string, DocumentedResponse> }>;

export interface Conformance {
  /** Add to a typed client: `client.api.use(conformance.middleware)`. */
  middleware: Middleware;
  /** What the server answered that the document does not say, one sentence each; emptied by `take()`. */
  take(): string[];
}

/**
 * Checks every answer a typed client receives against the OpenAPI document it was generated
 * from: the status is documented for that path and method, the content type is one the
 * document lists, the required headers are there, and the body matches the documented schema
 * (the document's output objects refuse unknown fields). The types prove what the client may
 * send and read; this proves the server answers what the document says.
 */
export function documentConformance(document: unknown = openApiDocument()): Conformance {
  // zod's JSON Schema reader resolves only `#/$defs/…`: the document's components, moved there.
  const doc = JSON.parse(JSON.stringify(document).replaceAll('"#/components/schemas/', '"#/$defs/')) as {
    paths: Record<string, Operations>;
    components: { schemas: Record<string, object> };
  };
  const $defs = doc.components.schemas;
  const schemas = new Map<object, z.ZodType>();
  const schemaOf = (schema: object) => {
    const known = schemas.get(schema);
    if (known) return known;
    const made = z.fromJSONSchema({ ...schema, $defs } as never);
    schemas.set(schema, made);
    return made;
  };
  let violations: string[] = [];

  const middleware: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      const where = `${request.method} ${schemaPath} → ${response.status}`;
      const documented =
        doc.paths[schemaPath]?.[request.method.toLowerCase()]?.responses[String(response.status)];
      if (!documented) {
        violations.push(`${where}: status not in the document`);
        return;
      }
      for (const [name, header] of Object.entries(documented.headers ?? {})) {
        if (header.required && !response.headers.has(name)) {
          violations.push(`${where}: required header ${name} missing`);
        }
      }
      if (!documented.content) return;
      const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
      const media = documented.content[type];
      if (!media) {
        violations.push(`${where}: content type "${type}" not in the document`);
        return;
      }
      const parsed = schemaOf(media.schema).safeParse(await response.clone().json());
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
        violations.push(`${where}: body does not match the document: ${issues.join("; ")}`);
      }
    },
  };

  return {
    middleware,
    take() {
      const taken = violations;
      violations = [];
      return taken;
    },
  };
}
