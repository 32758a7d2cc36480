import type { Metadata } from "next";
import { openApiDocument } from "@/server/http/openapi";

export const metadata: Metadata = { title: "API reference" };

type Doc = ReturnType<typeof openApiDocument>;
type OperationObject = NonNullable<NonNullable<Doc["paths"]>[string]>["get"];

const METHODS = ["get", "post"] as const;

/** A readable rendering of the generated OpenAPI document. */
export default function ApiReferencePage() {
  const doc = openApiDocument();
  return (
    <article className="max-w-4xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-xl font-semibold">{doc.info.title}</h1>
        <p className="text-zinc-600 dark:text-zinc-400">{doc.info.description}</p>
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
          <Endpoint key={`${method} ${path}`} method={method} path={path} op={item![method]!} />
        )),
      )}
      <section className="space-y-2">
        <h2 className="font-semibold">Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <details
            key={name}
            className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
          >
            <summary className="cursor-pointer font-mono text-sm">{name}</summary>
            <pre className="mt-2 overflow-x-auto text-xs">{JSON.stringify(schema, null, 2)}</pre>
          </details>
        ))}
      </section>
    </article>
  );
}

function Endpoint({ method, path, op }: { method: string; path: string; op: NonNullable<OperationObject> }) {
  return (
    <section className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="font-mono text-sm">
        <span className="mr-2 rounded bg-zinc-900 px-1.5 py-0.5 text-xs uppercase text-white dark:bg-zinc-100 dark:text-zinc-900">
          {method}
        </span>
        {path}
      </h2>
      <p className="text-sm">{op.summary}</p>
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-sm">
          <tbody>
            {Object.entries(op.responses ?? {}).map(([code, response]) => (
              <tr key={code} className="border-t border-zinc-100 dark:border-zinc-800">
                <td className="w-16 py-1 font-mono">{code}</td>
                <td className="py-1 text-zinc-600 dark:text-zinc-400">
                  {"description" in response ? response.description : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
