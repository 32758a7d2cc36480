"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Time } from "../_components/time";
import { ErrorNote, Panel } from "../_components/ui";
import type { RouterOutputs } from "../_lib/router-types";
import { useTRPC } from "../_lib/trpc";

type Provider = RouterOutputs["sandbox"]["faults"]["providers"][number];

const DESCRIPTIONS: Record<string, string> = {
  payments: "Charges and refunds",
  warehouse: "Orders, stock and reservations",
  carrier: "Shipments",
  email: "Customer emails",
  risk: "Risk scores and compliance reviews",
};

const input =
  "h-8 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm tabular-nums dark:border-zinc-700 dark:bg-zinc-950";

export function SandboxFaults() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const faults = useQuery(trpc.sandbox.faults.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.sandbox.faults.queryKey() });
  const reset = useMutation(trpc.sandbox.reset.mutationOptions({ onSuccess: invalidate }));
  if (faults.isPending) {
    return (
      <p className="h-64 animate-pulse rounded-lg bg-zinc-100 text-sm text-zinc-500 dark:bg-zinc-900">
        Loading…
      </p>
    );
  }
  if (faults.isError) return <ErrorNote>Could not load fault settings: {faults.error.message}</ErrorNote>;
  return (
    <div className="space-y-3">
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {faults.data.providers.map((p) => (
          <ProviderCard
            key={`${p.provider}-${p.updatedAt?.getTime() ?? 0}`}
            provider={p}
            onSaved={invalidate}
          />
        ))}
      </div>
      <button
        type="button"
        onClick={() => reset.mutate()}
        disabled={reset.isPending}
        className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {reset.isPending ? "Resetting…" : "Make every provider behave again"}
      </button>
    </div>
  );
}

function ProviderCard({ provider, onSaved }: { provider: Provider; onSaved: () => void }) {
  const trpc = useTRPC();
  const [values, setValues] = useState({
    latencyMs: String(provider.latencyMs),
    transient: String(Math.round(provider.transientErrorRate * 100)),
    permanent: String(Math.round(provider.permanentErrorRate * 100)),
    lose: String(Math.round(provider.loseAnswerRate * 100)),
  });
  const save = useMutation(trpc.sandbox.setFault.mutationOptions({ onSuccess: onSaved }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const pct = (v: string) => Math.min(100, Math.max(0, Number(v) || 0)) / 100;
    save.mutate({
      provider: provider.provider,
      latencyMs: Math.max(0, Math.round(Number(values.latencyMs) || 0)),
      transientErrorRate: pct(values.transient),
      permanentErrorRate: pct(values.permanent),
      loseAnswerRate: pct(values.lose),
    });
  };
  const faulty =
    provider.latencyMs > 0 ||
    provider.transientErrorRate > 0 ||
    provider.permanentErrorRate > 0 ||
    provider.loseAnswerRate > 0;
  const field = (key: keyof typeof values, label: string, unit: string, max: number) => (
    <label className="space-y-0.5 text-xs">
      <span className="text-zinc-600 dark:text-zinc-400">{label}</span>
      <span className="flex items-center gap-1">
        <input
          type="number"
          min={0}
          max={max}
          className={input}
          value={values[key]}
          onChange={(e) => setValues({ ...values, [key]: e.target.value })}
        />
        <span className="text-zinc-500">{unit}</span>
      </span>
    </label>
  );
  return (
    <Panel
      id={`provider-${provider.provider}`}
      title={<span className="capitalize">{provider.provider}</span>}
      action={
        <span
          className={`text-xs ${faulty ? "font-medium text-status-blocked-ink" : "text-status-completed-ink"}`}
        >
          {faulty ? "faults on" : "healthy"}
        </span>
      }
    >
      <form onSubmit={submit} className="space-y-3 px-4 py-3">
        <p className="text-xs text-zinc-500 dark:text-zinc-400">{DESCRIPTIONS[provider.provider]}</p>
        <div className="grid grid-cols-2 gap-3">
          {field("latencyMs", "Added latency", "ms", 120_000)}
          {field("transient", "Transient errors (retried)", "%", 100)}
          {field("permanent", "Permanent refusals", "%", 100)}
          {field("lose", "Applied, answer lost", "%", 100)}
        </div>
        <div className="flex items-center justify-between">
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            {provider.updatedAt ? (
              <>
                changed <Time value={provider.updatedAt} />
              </>
            ) : (
              "never changed"
            )}
          </span>
          <button
            type="submit"
            disabled={save.isPending}
            className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900"
          >
            {save.isPending ? "Saving…" : "Apply"}
          </button>
        </div>
        {save.isError && <ErrorNote>{save.error.message}</ErrorNote>}
      </form>
    </Panel>
  );
}
