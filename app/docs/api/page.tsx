import type { Metadata } from "next";
import { Markdown } from "@/app/_components/markdown";
import { openApiDocument } from "@/server/http/openapi";
import { type Schema, SchemaShape, typeLabel } from "./schema-shape";

export const metadata: Metadata = { title: "API reference" };

type Doc = ReturnType<typeof openApiDocument>;
type OperationObject = NonNullable<NonNullable<NonNullable<Doc["paths"]>[string]>["get"]>;

const METHODS = ["get", "post"] as const;

/** The schema of a body, whatever its media type (JSON or problem+json). */
function bodySchema(content: unknown): { media: string; schema: Schema } | null {
  const entries = Object.entries((content ?? {}) as Record<string, { schema?: Schema }>);
  const [media, value] = entries[0] ?? [];
  return media && value?.schema ? { media, schema: value.schema } : null;
}

/**
 * A readable rendering of the generated OpenAPI document: descriptions as Markdown, and each
 * endpoint's parameters, request body and every response's body shape (server/http/openapi.ts).
 */
export default function ApiReferencePage() {
  const doc = openApiDocument();
  const components = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  return (
    <article className="max-w-4xl min-w-0 space-y-8">
      <header className="space-y-2">
        <h1 className="text-xl font-semibold">{doc.info.title}</h1>
        {doc.info.description && (
          <Markdown className="text-zinc-600 dark:text-zinc-400">{doc.info.description}</Markdown>
        )}
        <p className="text-sm">
          Machine-readable:{" "}
          <a className="underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>{" "}
          (OpenAPI {doc.openapi}). Authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>.
        </p>
      </header>
      {Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
        METHODS.filter((m) => item?.[m]).map((method) => (
          <Endpoint
            key={`${method} ${path}`}
            method={method}
            path={path}
            op={item![method]!}
            components={components}
          />
        )),
      )}
      <section className="space-y-2">
        <h2 className="font-semibold">Schemas</h2>
        {Object.entries(components).map(([name, schema]) => (
          <details
            key={name}
            className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
          >
            <summary className="cursor-pointer font-mono text-sm">{name}</summary>
            <div className="mt-2">
              <SchemaShape schema={{ $ref: `#/components/schemas/${name}` }} components={components} />
            </div>
          </details>
        ))}
      </section>
    </article>
  );
}

function Endpoint({
  method,
  path,
  op,
  components,
}: {
  method: string;
  path: string;
  op: OperationObject;
  components: Record<string, Schema>;
}) {
  const request = op.requestBody && "content" in op.requestBody ? bodySchema(op.requestBody.content) : null;
  // Parameters are written inline in openapi.ts (no $ref), so each has a name.
  const parameters = (op.parameters ?? []).filter((p) => "name" in p) as unknown as {
    in: string;
    name: string;
    required?: boolean;
    description?: string;
    schema?: Schema;
  }[];
  return (
    <section
      className="min-w-0 space-y-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
      data-testid={`endpoint-${method}-${path}`}
    >
      <h2 className="font-mono text-sm break-all">
        <span className="mr-2 rounded bg-zinc-900 px-1.5 py-0.5 text-xs uppercase text-white dark:bg-zinc-100 dark:text-zinc-900">
          {method}
        </span>
        {path}
      </h2>
      {op.summary && <Markdown>{op.summary}</Markdown>}
      {op.description && <Markdown className="text-zinc-600 dark:text-zinc-400">{op.description}</Markdown>}
      {parameters.length > 0 && (
        <div>
          <h3 className="text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400">Parameters</h3>
          <ul className="mt-1 space-y-1">
            {parameters.map((p) => (
              <li key={`${p.in} ${p.name}`} className="text-sm">
                <span className="font-mono text-xs font-semibold">{p.name}</span>
                <span className="ml-1.5 text-xs text-zinc-500">
                  {p.in}
                  {p.schema ? ` · ${typeLabel(p.schema)}` : ""}
                  {p.required ? " · required" : ""}
                </span>
                {p.description && (
                  <Markdown className="text-xs text-zinc-600 dark:text-zinc-400">{p.description}</Markdown>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {request && (
        <div data-testid="request-body">
          <h3 className="text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400">
            Request body <span className="font-mono normal-case">{request.media}</span>
          </h3>
          <div className="mt-1">
            <SchemaShape schema={request.schema} components={components} />
          </div>
        </div>
      )}
      <div>
        <h3 className="text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400">Responses</h3>
        <ul className="mt-1 divide-y divide-zinc-100 dark:divide-zinc-800">
          {Object.entries(op.responses ?? {}).map(([code, response]) => {
            const body = "content" in response ? bodySchema(response.content) : null;
            return (
              <li key={code} className="py-2" data-testid={`response-${code}`}>
                <div className="flex min-w-0 gap-3">
                  <span className="w-10 shrink-0 font-mono text-sm">{code}</span>
                  <div className="min-w-0 flex-1 space-y-1">
                    {"description" in response && response.description && (
                      <Markdown className="text-zinc-600 dark:text-zinc-400">{response.description}</Markdown>
                    )}
                    {body && (
                      <details className="text-sm" open={code.startsWith("2")}>
                        <summary className="cursor-pointer font-mono text-xs text-zinc-500">
                          {body.media} · {typeLabel(body.schema)}
                        </summary>
                        <div className="mt-1">
                          <SchemaShape schema={body.schema} components={components} />
                        </div>
                      </details>
                    )}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
