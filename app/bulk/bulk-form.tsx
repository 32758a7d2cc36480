"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import type { BulkActionKind } from "@/server/domain/bulk";
import { BLOCK_KINDS, OPERATION_STATUSES, type OperationStatus } from "@/server/domain/statuses";
import { Button, errorText, Field, inputClass } from "../_components/forms";
import { Select, WorkflowTypeSelect } from "../_components/select";
import { ErrorNote, PageHeader, Panel } from "../_components/ui";
import { useMe } from "../_lib/me";
import { useTRPC } from "../_lib/trpc";
import { BlockedByNote, SearchTextNote } from "./bulk-filter-notes";

const ACTIONS: { value: BulkActionKind; label: string; needsStep?: boolean }[] = [
  { value: "resume", label: "Resume (the blocking step runs again)" },
  { value: "retry", label: "Retry now (skip the backoff)" },
  { value: "replay", label: "Replay a step", needsStep: true },
  { value: "skip", label: "Skip a step with an override", needsStep: true },
  { value: "cancel", label: "Cancel (compensations run)" },
  { value: "compensate", label: "Compensate" },
];

const toDate = (value: FormDataEntryValue | null) => (value ? new Date(String(value)) : undefined);

/** Search → dry run (frozen targets) → confirmation naming the count → progress. */
export function BulkForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  const me = useMe();
  const [type, setType] = useState(params.get("type") ?? "");
  const [action, setAction] = useState<BulkActionKind>(
    ACTIONS.find((a) => a.value === params.get("action"))?.value ?? "resume",
  );
  // Controlled: the type's steps arrive after the first render, and the URL may name one.
  const [filterStep, setFilterStep] = useState(params.get("step") ?? "");
  // From an inbox group or a block kind (`/bulk?…&cause=…` or `&kind=…`): fixed, not edited here.
  const cause = params.get("cause");
  const blockedKind = BLOCK_KINDS.find((k) => k === params.get("kind"));
  // From a search (`&q=…`): what the search box found for this text, fixed too.
  const text = params.get("q")?.trim() || null;
  const [typed, setTyped] = useState("");
  const [outputError, setOutputError] = useState<string | null>(null);
  const dryRun = useMutation(trpc.actions.bulk.dryRun.mutationOptions());
  const frozen = dryRun.data;
  const preview = useQuery({
    ...trpc.actions.bulk.get.queryOptions({ bulkActionId: frozen?.bulkActionId ?? "" }),
    enabled: Boolean(frozen),
  });
  const confirm = useMutation(
    trpc.actions.bulk.confirm.mutationOptions({
      onSuccess: async (_data, input) => {
        // The preview cached it as a dry run; the progress page must read it fresh.
        await queryClient.invalidateQueries({
          queryKey: trpc.actions.bulk.get.queryKey({ bulkActionId: input.bulkActionId }),
        });
        router.push(`/bulk/${input.bulkActionId}`);
      },
    }),
  );

  const steps = workflows.data?.workflows.find((w) => w.type === type)?.steps ?? [];
  const stepOptions = steps.map((s) => ({ value: s.name, label: `${s.title} (${s.name})` }));
  const needsStep = ACTIONS.find((a) => a.value === action)?.needsStep ?? false;
  const canAct = me?.signedIn && me.user.role !== "support";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const rawOutput = String(data.get("output") ?? "").trim();
    let output: unknown;
    try {
      output = rawOutput ? JSON.parse(rawOutput) : undefined;
    } catch {
      setOutputError("The output must be JSON.");
      return;
    }
    setOutputError(null);
    setTyped("");
    dryRun.mutate({
      filter: {
        workflowType: type,
        statuses: data.getAll("statuses").map(String) as OperationStatus[],
        step: filterStep || undefined,
        since: toDate(data.get("since")),
        until: toDate(data.get("until")),
        ...(cause ? { cause } : {}),
        ...(blockedKind ? { blockedKind } : {}),
        ...(text ? { text } : {}),
      },
      action,
      step: needsStep ? String(data.get("actionStep") ?? "") || undefined : undefined,
      output,
      reason: String(data.get("reason") ?? ""),
      canarySize: Number(data.get("canarySize") ?? 3),
    });
  }

  if (me && !canAct) {
    return <ErrorNote>Bulk actions are for operators and admins.</ErrorNote>;
  }
  const initialStatuses = params.getAll("status");
  return (
    <div className="space-y-5">
      <PageHeader title="Bulk action">
        Pick operations by search, run a dry run that freezes exactly which ones, then confirm by typing how
        many. A few go first (the canary); the rest follow only if those worked. Every operation is audited.
      </PageHeader>
      <Panel id="bulk-search" title="1. Which operations, and what to do">
        <form onSubmit={submit} className="grid gap-4 p-4 sm:grid-cols-2 lg:grid-cols-4">
          <Field id="bulk-type" label="Workflow type">
            <WorkflowTypeSelect
              id="bulk-type"
              required
              value={type}
              onChange={(e) => setType(e.target.value)}
              className={inputClass}
              emptyLabel="Choose…"
              workflows={workflows.data?.workflows}
            />
          </Field>
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">Status</legend>
            <div className="flex flex-wrap gap-x-3 gap-y-1">
              {OPERATION_STATUSES.map((s) => (
                <label key={s} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    name="statuses"
                    value={s}
                    defaultChecked={
                      initialStatuses.length > 0 ? initialStatuses.includes(s) : s === "blocked"
                    }
                  />
                  {s}
                </label>
              ))}
            </div>
          </fieldset>
          <Field id="bulk-filter-step" label="At step">
            <Select
              id="bulk-filter-step"
              name="filterStep"
              value={filterStep}
              onChange={(e) => setFilterStep(e.target.value)}
              className={inputClass}
              emptyLabel="Any step"
              options={stepOptions}
            />
          </Field>
          <Field id="bulk-since" label="In this state since">
            <input id="bulk-since" name="since" type="datetime-local" className={inputClass} />
          </Field>
          {(cause || blockedKind) && <BlockedByNote type={type} cause={cause} kind={blockedKind ?? null} />}
          {text && <SearchTextNote type={type} text={text} />}
          {/* Two columns wide: the choices explain themselves ("Resume (the blocking step runs
              again)") and a one-column select cut them mid-word. */}
          <div className="sm:col-span-2">
            <Field id="bulk-action" label="Action">
              <Select
                id="bulk-action"
                value={action}
                onChange={(e) => setAction(e.target.value as BulkActionKind)}
                className={inputClass}
                options={ACTIONS}
              />
            </Field>
          </div>
          {needsStep && (
            <Field id="bulk-action-step" label="Step to act on">
              <Select
                id="bulk-action-step"
                name="actionStep"
                required
                className={inputClass}
                options={stepOptions}
              />
            </Field>
          )}
          {action === "skip" && (
            <Field id="bulk-output" label="Output (JSON, optional)" error={outputError}>
              <input id="bulk-output" name="output" className={`${inputClass} font-mono text-xs`} />
            </Field>
          )}
          <Field
            id="bulk-canary"
            label="Canary size"
            hint="These go first; the rest only if all of them worked."
          >
            <input
              id="bulk-canary"
              name="canarySize"
              type="number"
              min={1}
              max={20}
              defaultValue={3}
              className={inputClass}
            />
          </Field>
          <div className="sm:col-span-2 lg:col-span-4">
            <Field id="bulk-reason" label="Reason">
              <textarea
                id="bulk-reason"
                name="reason"
                required
                minLength={5}
                rows={2}
                placeholder="Why, in a sentence. It goes into every operation's audit history."
                className={inputClass}
              />
            </Field>
          </div>
          <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-4">
            <Button type="submit" variant="primary" disabled={dryRun.isPending || !type}>
              {dryRun.isPending ? "Finding…" : "Dry run"}
            </Button>
            {dryRun.isError && <span className="text-sm text-status-failed">{errorText(dryRun.error)}</span>}
          </div>
        </form>
      </Panel>
      {frozen && (
        <Panel id="bulk-confirm" title="2. Confirm">
          <div className="space-y-3 p-4 text-sm">
            <p className="font-medium" data-testid="bulk-count">
              {frozen.count} operation{frozen.count === 1 ? "" : "s"} match and are frozen: operations that
              match later are not included.
            </p>
            {preview.data && (
              <ul className="max-h-48 space-y-0.5 overflow-auto rounded border border-zinc-100 p-2 font-mono text-xs dark:border-zinc-800">
                {preview.data.targets.slice(0, 50).map((t) => (
                  <li key={t.operationId}>
                    <Link href={`/operations/${t.operationId}`} className="hover:underline">
                      {t.reference ?? t.operationId}
                    </Link>{" "}
                    · {t.status} · {t.currentStep ?? "—"}
                  </li>
                ))}
                {preview.data.targets.length > 50 && <li>… and {preview.data.targets.length - 50} more</li>}
              </ul>
            )}
            <div className="flex flex-wrap items-end gap-3">
              <Field id="bulk-typed" label={`Type ${frozen.count} to confirm`}>
                <input
                  id="bulk-typed"
                  inputMode="numeric"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  className={`${inputClass} w-32`}
                />
              </Field>
              <Button
                variant="primary"
                disabled={Number(typed) !== frozen.count || confirm.isPending}
                onClick={() => confirm.mutate({ bulkActionId: frozen.bulkActionId, count: Number(typed) })}
              >
                {`Start on ${frozen.count} operation${frozen.count === 1 ? "" : "s"}`}
              </Button>
            </div>
            {confirm.isError && <ErrorNote>{errorText(confirm.error)}</ErrorNote>}
          </div>
        </Panel>
      )}
    </div>
  );
}
