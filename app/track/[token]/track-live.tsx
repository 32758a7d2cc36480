"use client";

import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { Check, CircleAlert, Hourglass, Loader, X } from "lucide-react";
import { useEffect, useState } from "react";
import { PAUSED_POLL_MS, useLiveFallback } from "../../_lib/live";
import type { RouterOutputs } from "../../_lib/router-types";
import { useTRPC } from "../../_lib/trpc";
import { EndUserForm } from "./end-user-form";

type Track = Extract<RouterOutputs["track"]["get"], { type: "ok" }>;
type View = Track["view"];

const SECOND = 1_000;
const MINUTE = 60_000;

/** "12 seconds", "4 minutes", "2 hours": rounded up, so a promise errs on the late side. */
function span(ms: number): string {
  if (ms < MINUTE) {
    const s = Math.max(5, Math.ceil(ms / (5 * SECOND)) * 5);
    return `${s} seconds`;
  }
  if (ms < 90 * MINUTE) {
    const m = Math.ceil(ms / MINUTE);
    return `${m} minute${m === 1 ? "" : "s"}`;
  }
  const h = Math.ceil(ms / (60 * MINUTE));
  return `${h} hours`;
}

/**
 * The time left as the end user reads it, counted down from when the page got it; once the
 * usual range has passed with no news the page says so instead of a time already gone.
 */
function remaining(estimate: View["estimate"], ageMs: number): string | null {
  if (!estimate) return null;
  if (estimate.kind === "update_later") {
    switch (estimate.reason) {
      case "waiting":
        return null; // the headline already says who is on it
      case "running_late":
        return "This is taking longer than usual; we'll update you here.";
      case "retrying":
        return "We're trying that again; we'll update you here.";
      case "little_history":
        return "We'll update you here as it moves along.";
    }
  }
  const low = estimate.lowMs - ageMs;
  const high = estimate.highMs - ageMs;
  if (high <= 0) return "This is taking longer than usual; we'll update you here.";
  if (high < 10 * SECOND) return "Just a few seconds to go.";
  const from = span(Math.max(low, SECOND));
  const to = span(high);
  if (from === to) return `About ${to} to go.`;
  const [a, aUnit] = from.split(" ");
  const [b, bUnit] = to.split(" ");
  if (aUnit?.replace(/s$/, "") === bUnit?.replace(/s$/, "")) return `About ${a}–${b} ${bUnit} to go.`;
  return `Between ${from} and ${to} to go.`;
}

/** Re-renders every few seconds so a countdown never shows a time already gone. */
function useTick(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** Product language only, live: the page refetches whenever the operation moves. */
export function TrackLive({ token, initial }: { token: string; initial: Track }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.track.get.queryOptions({ token }),
    initialData: initial,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [since] = useState(initial.cursor);
  const sub = useSubscription(
    trpc.track.watch.subscriptionOptions(
      { token, lastEventId: since },
      { onData: () => void query.refetch() },
    ),
  );
  // Too many live pages open (the server refused the stream): refresh every few seconds instead.
  const paused = useLiveFallback(sub, () => void query.refetch());
  const now = useTick(5_000);
  const data = query.data;
  if (data.type !== "ok") {
    return (
      <div className="mx-auto max-w-md py-10 text-center">
        <h1 className="text-2xl font-semibold">This link is not valid</h1>
        <p className="mt-3 text-zinc-600 dark:text-zinc-300">The link has expired or was changed.</p>
      </div>
    );
  }
  const v = data.view;
  const tone =
    v.state === "completed"
      ? "border-status-completed/50 bg-status-completed/10"
      : v.state === "failed"
        ? "border-status-failed/50 bg-status-failed/10"
        : v.state === "action_needed"
          ? "border-status-blocked/60 bg-status-blocked/10"
          : v.state === "on_hold"
            ? "border-status-processing/40 bg-status-processing/5"
            : "border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900";
  // Counted from when this answer arrived (the browser's clock), never from the server's.
  const hint = remaining(v.estimate, Math.max(0, now - query.dataUpdatedAt));
  return (
    <div className="mx-auto max-w-md space-y-5 py-2">
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        Your request · started {when.format(v.startedAt)}
      </p>
      <div className={`rounded-xl border px-5 py-4 ${tone}`} role="status" aria-live="polite">
        <h1
          // A sentence of who is on it reads as a message, not a shout; a short status stays bold.
          className={
            v.headline.length > 60 ? "text-lg leading-snug font-medium" : "text-xl leading-snug font-semibold"
          }
          data-testid="track-headline"
        >
          {v.headline}
        </h1>
        {hint && (
          <p className="mt-1.5 text-sm text-zinc-700 dark:text-zinc-300" data-testid="track-eta">
            {hint}
          </p>
        )}
        {v.finishedAt && (
          <p className="mt-1.5 text-sm text-zinc-700 dark:text-zinc-300">
            Finished {when.format(v.finishedAt)}.
          </p>
        )}
      </div>
      {v.form && <EndUserForm token={token} form={v.form} onAnswered={() => void query.refetch()} />}
      <ol aria-label="Progress" className="space-y-0">
        {v.stages.map((stage, i) => {
          const last = i === v.stages.length - 1;
          return (
            <li
              key={stage.label}
              className="relative flex gap-3 pb-5 last:pb-0"
              data-stage-state={stage.state}
            >
              {!last && (
                <span
                  aria-hidden
                  className={`absolute top-7 left-[13px] h-[calc(100%-1.5rem)] w-0.5 ${stage.state === "done" ? "bg-status-completed" : "bg-zinc-200 dark:bg-zinc-700"}`}
                />
              )}
              <StageIcon state={stage.state} />
              <div className="pt-0.5">
                <p
                  className={`text-base ${stage.state === "active" || stage.state === "attention" || stage.state === "waiting" ? "font-semibold" : ""} ${
                    stage.state === "upcoming" || stage.state === "stopped"
                      ? "text-zinc-500 dark:text-zinc-400"
                      : ""
                  }`}
                >
                  {stage.label}
                </p>
                <p className="text-sm text-zinc-600 dark:text-zinc-400">
                  {stage.state === "done" && "Done"}
                  {stage.state === "active" && "In progress"}
                  {/* What to do, or who is on it, is said once: in the headline above. */}
                  {stage.state === "attention" && "Waiting for you"}
                  {stage.state === "waiting" && "On hold: we're on it"}
                  {stage.state === "upcoming" && "Next"}
                  {stage.state === "stopped" && "Stopped"}
                </p>
              </div>
            </li>
          );
        })}
      </ol>
      <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="track-live-note">
        {paused
          ? `Live updates are paused; this page refreshes every ${PAUSED_POLL_MS / 1000} seconds instead.`
          : "This page updates by itself; there is no need to reload it."}
      </p>
    </div>
  );
}

function StageIcon({ state }: { state: View["stages"][number]["state"] }) {
  const base = "relative z-10 flex size-7 shrink-0 items-center justify-center rounded-full border-2";
  switch (state) {
    case "done":
      return (
        <span className={`${base} border-status-completed bg-status-completed text-white`}>
          <Check className="size-4" aria-hidden />
        </span>
      );
    case "active":
      return (
        <span className={`${base} border-status-processing bg-white text-status-processing dark:bg-zinc-950`}>
          <Loader className="size-4 animate-spin" aria-hidden />
        </span>
      );
    case "waiting":
      return (
        <span className={`${base} border-status-processing bg-white text-status-processing dark:bg-zinc-950`}>
          <Hourglass className="size-4" aria-hidden />
        </span>
      );
    case "attention":
      return (
        <span className={`${base} border-status-blocked bg-status-blocked text-white`}>
          <CircleAlert className="size-4" aria-hidden />
        </span>
      );
    case "stopped":
      return (
        <span
          className={`${base} border-zinc-300 bg-zinc-100 text-zinc-500 dark:border-zinc-600 dark:bg-zinc-800`}
        >
          <X className="size-4" aria-hidden />
        </span>
      );
    default:
      return <span className={`${base} border-zinc-300 bg-white dark:border-zinc-600 dark:bg-zinc-950`} />;
  }
}
