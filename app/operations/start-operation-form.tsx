"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useEffect, useState } from "react";
import { Select } from "../_components/select";
import { useTRPC } from "../_lib/trpc";

const field =
  "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";

/** Start an operation by hand: pick a workflow, edit its example input, submit. */
export function StartOperationForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  const [type, setType] = useState("");
  const [input, setInput] = useState("");
  const [subject, setSubject] = useState("");
  const [reference, setReference] = useState("");
  const [jsonError, setJsonError] = useState<string | null>(null);
  const start = useMutation(
    trpc.operations.start.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.search.operations.pathKey() }),
    }),
  );

  const list = workflows.data?.workflows ?? [];
  useEffect(() => {
    const first = list[0];
    if (!type && first) {
      setType(first.type);
      setInput(JSON.stringify(first.exampleInput, null, 2));
    }
  }, [list, type]);

  function choose(next: string) {
    setType(next);
    const wf = list.find((w) => w.type === next);
    if (wf) setInput(JSON.stringify(wf.exampleInput, null, 2));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(input);
      setJsonError(null);
    } catch (error) {
      setJsonError(`Input is not valid JSON: ${(error as Error).message}`);
      return;
    }
    start.mutate({ type, input: parsed, subject: subject || undefined, reference: reference || undefined });
  }

  const issues = start.error?.data?.domain?.issues ?? [];
  return (
    <form onSubmit={submit} className="space-y-3 p-4">
      <h2 id="start-heading" className="font-semibold">
        Start an operation
      </h2>
      <label className="block space-y-1 text-sm">
        <span>Workflow</span>
        <Select
          className={field}
          value={type}
          onChange={(e) => choose(e.target.value)}
          options={list.map((w) => ({ value: w.type, label: `${w.title} (${w.type})` }))}
        />
      </label>
      <label className="block space-y-1 text-sm">
        <span>Input (JSON)</span>
        <textarea
          className={`${field} h-40 font-mono text-xs`}
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
      </label>
      <label className="block space-y-1 text-sm">
        <span>Subject (customer id or email)</span>
        <input className={field} value={subject} onChange={(e) => setSubject(e.target.value)} />
      </label>
      <label className="block space-y-1 text-sm">
        <span>Reference</span>
        <input className={field} value={reference} onChange={(e) => setReference(e.target.value)} />
      </label>
      <button
        type="submit"
        disabled={start.isPending || !type}
        className="w-full rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900"
      >
        {start.isPending ? "Starting…" : "Start operation"}
      </button>
      <div aria-live="polite" className="text-sm">
        {jsonError && <p className="text-status-failed-ink">{jsonError}</p>}
        {start.error && (
          <div className="text-status-failed-ink">
            <p>{start.error.message}</p>
            <ul className="list-disc pl-5">
              {issues.map((i) => (
                <li key={i.pointer}>
                  <code>{i.pointer}</code>: {i.detail}
                </li>
              ))}
            </ul>
          </div>
        )}
        {start.data && (
          <p>
            Accepted:{" "}
            <Link className="underline" href={`/operations/${start.data.id}`}>
              {start.data.reference ?? start.data.id}
            </Link>
          </p>
        )}
      </div>
    </form>
  );
}
