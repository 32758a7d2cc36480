import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { linesAsList, Markdown } from "../../_components/markdown";
import { Breadcrumb, Fact, Panel } from "../../_components/ui";
import { WorkflowPause } from "../../_components/workflow-pause";
import { formatDuration } from "../../_lib/format";
import { serverCaller } from "../../_lib/server-caller";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ type: string }> }): Promise<Metadata> {
  return { title: decodeURIComponent((await params).type) };
}

const ERROR_CLASS_LABEL: Record<string, string> = {
  transient: "Transient: retried",
  permanent: "Permanent: fails and undoes",
  needs_person: "Needs a person: blocks",
};

/** The execution story, generated from the definition: the page reviewed before a workflow ships. */
export default async function WorkflowPage({ params }: { params: Promise<{ type: string }> }) {
  const type = decodeURIComponent((await params).type);
  const found = await serverCaller()
    .workflows.story({ type })
    .catch((e: unknown) => {
      // BAD_REQUEST: a type no workflow could have (a NUL, an unpaired surrogate), refused by the input guard.
      if (e instanceof TRPCError && (e.code === "NOT_FOUND" || e.code === "BAD_REQUEST")) return null;
      throw e;
    });
  if (!found) {
    return (
      <div role="alert" className="mx-auto max-w-lg rounded-lg border border-dashed p-8 text-center">
        <h1 className="text-lg font-semibold">No workflow “{type}”</h1>
        <Link href="/workflows" className="mt-2 inline-block text-sm underline">
          All workflows
        </Link>
      </div>
    );
  }
  const { summary, stories } = found;
  return (
    <div className="space-y-5">
      <Breadcrumb href="/workflows" label="Workflows" current={summary.type} />
      <header>
        <h1 className="text-xl font-semibold">{summary.title}</h1>
        <p className="mt-1 max-w-3xl text-zinc-700 dark:text-zinc-300">{summary.description}</p>
      </header>
      <WorkflowPause workflowType={summary.type} />
      <dl className="grid grid-cols-2 gap-4 rounded-lg border border-zinc-200 bg-white px-4 py-3 sm:grid-cols-5 dark:border-zinc-800 dark:bg-zinc-900">
        <Fact label="In flight">
          {summary.versions.map((v) => `v${v.version}: ${v.inFlight}`).join(" · ")}
        </Fact>
        <Fact label="Success, last 24 h">
          {summary.successRate === null
            ? "—"
            : `${(summary.successRate * 100).toFixed(1)}% of ${summary.finished24h}`}
        </Fact>
        <Fact label="Lag p50 / p95, 24 h">
          {formatDuration(summary.lagP50Ms)} / {formatDuration(summary.lagP95Ms)}
        </Fact>
        <Fact label="Objective p95">{formatDuration(summary.objectiveP95Ms)}</Fact>
        <Fact label="Operations">
          <Link href={`/operations?type=${encodeURIComponent(summary.type)}`} className="hover:underline">
            Search this type →
          </Link>
        </Fact>
      </dl>

      {stories.map((story) => (
        <Panel
          key={story.version}
          id={`v${story.version}`}
          title={`Execution story · version ${story.version}`}
        >
          <div className="grid gap-4 border-b border-zinc-100 px-4 py-3 text-sm sm:grid-cols-2 dark:border-zinc-800">
            <p>{story.completion}</p>
            <p>
              {story.objective} {story.stuckAfter}
            </p>
            <div>
              <h3 className="text-xs font-medium text-zinc-500 dark:text-zinc-400">
                What the end user reads
              </h3>
              <ul className="mt-1 space-y-0.5">
                <li>Accepted: “{story.text.accepted}”</li>
                <li>Completed: “{story.text.completed}”</li>
                <li>Failed: “{story.text.failed}”</li>
              </ul>
            </div>
            <div>
              <h3 className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Alerts</h3>
              <ul className="mt-1 list-disc space-y-0.5 pl-4">
                {story.alerts.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </div>
          </div>
          <ol className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {story.steps.map((s) => (
              <li key={s.name} className="grid gap-x-6 gap-y-2 px-4 py-3 text-sm md:grid-cols-[14rem_1fr]">
                <div>
                  <h3 className="font-semibold">
                    {s.position + 1}. {s.title}
                  </h3>
                  <p className="font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{s.name}</p>
                  <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                    End user reads: “{s.userText}…”
                    {s.userActionText && <> · when it waits on them: “Action needed: {s.userActionText}”</>}
                    {s.userWaitText && <> · while we are on it: “{s.userWaitText}”</>}
                  </p>
                </div>
                <dl className="grid gap-x-6 gap-y-1.5 sm:grid-cols-2">
                  <Story label="Checks first">{s.precondition ?? "No precondition."}</Story>
                  <Story label="Does">{s.effect}</Story>
                  <Story label={s.compensation.kind === "undo" ? "Undone by" : "Not undone"}>
                    {s.compensation.text}
                  </Story>
                  <Story label={`Retries · times out after ${s.timeout}`}>{s.retry}</Story>
                  {s.unknownOutcomeText && <Story label="If an answer is lost">{s.unknownOutcomeText}</Story>}
                  {s.errors.length > 0 && (
                    <Story label="Known errors">
                      <ul>
                        {s.errors.map((e) => (
                          <li key={e.errorClass}>
                            <span className="font-medium">
                              {ERROR_CLASS_LABEL[e.errorClass] ?? e.errorClass}
                            </span>{" "}
                            — {e.text}
                          </li>
                        ))}
                      </ul>
                    </Story>
                  )}
                </dl>
              </li>
            ))}
          </ol>
          <div className="border-t border-zinc-100 px-4 py-3 text-sm dark:border-zinc-800">
            <h3 className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Runbook</h3>
            <Markdown className="mt-0.5">{linesAsList(story.runbook)}</Markdown>
          </div>
        </Panel>
      ))}
    </div>
  );
}

function Story({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
