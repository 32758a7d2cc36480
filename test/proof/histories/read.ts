import { availableActions } from "@/server/actions/plans";
import { deriveStatus } from "@/server/domain/derive-status";
import type { EventType } from "@/server/domain/events";
import type { OperationStatus } from "@/server/domain/statuses";
import { planStart } from "@/server/engine/plan";
import { type OperationRow, toLoaded } from "@/server/engine/store/load";
import { deriveSegments } from "@/server/presenters/detail/segments";
import { deriveAttempts, toTimelineEntry } from "@/server/presenters/detail/timeline";
import { NO_DURATIONS } from "@/server/presenters/track/eta";
import { deriveTrackView } from "@/server/presenters/track/track-view";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { statusText } from "@/server/workflows/kit/status-text";
import { foldEvents } from "./fold";

/** One stored history: the rows and timeline of an operation exactly as a real run left them. */
export interface HistoryFixture {
  format: 1;
  name: string;
  description: string;
  recordedAt: string;
  /** The operation row with its steps, as the engine's loader selects it (server/engine/store/load.ts). */
  row: OperationRow;
  events: { id: number; type: EventType; step: string | null; actor: string; data: unknown; at: string }[];
  /** What the code of the day read from it; the test reads it again and must get exactly this. */
  expected: HistoryReading;
}

/**
 * Everything the product derives from an operation's stored rows and events: the state the
 * engine and operator actions start from, the status a person sees, what the engine would do
 * next, the actions offered, the timeline and attempts, the time segments, and the end user's view.
 */
export function readHistory(
  f: Pick<HistoryFixture, "row" | "events">,
  registry: WorkflowRegistry,
): HistoryReading {
  const loaded = toLoaded(f.row);
  const { state } = loaded;
  const workflow = registry.get(loaded.type, loaded.version);
  if (!workflow) throw new Error(`${loaded.type} v${loaded.version} is not registered any more`);
  const next = state.steps.find((s) => s.status !== "succeeded" && s.status !== "skipped") ?? null;
  const canStart = next && !state.failure ? planStart(state, next.name) : null;
  const entries = f.events.map((e) => toTimelineEntry({ ...e, at: new Date(e.at) }));
  const lastAt = f.events.at(-1)?.at ?? loaded.createdAt.toISOString();
  const track = deriveTrackView(
    workflow,
    {
      status: state.status,
      currentStep: f.row.currentStep,
      blockedKind: state.block?.kind ?? null,
      steps: state.steps,
      createdAt: loaded.createdAt,
      completedAt: null,
    },
    NO_DURATIONS,
    new Date(lastAt),
  );
  return {
    status: state.status,
    derivedStatus: deriveStatus(state),
    steps: state.steps.map((s) => ({
      name: s.name,
      status: s.status,
      attempts: s.attempts,
      skipReason: s.skipReason,
      lastErrorCode: s.lastError?.code ?? null,
      retryDue: s.nextAttemptAt !== null,
    })),
    block: state.block && { kind: state.block.kind, step: state.block.step },
    failure: state.failure && { code: state.failure.code ?? null, step: state.failure.step ?? null },
    engineNext: next
      ? { step: next.name, status: next.status, startsNow: canStart !== null }
      : { step: null, status: null, startsNow: false },
    actions: availableActions(state, loaded.rows, new Date(lastAt)),
    timeline: entries.map((e) => ({
      type: e.type,
      step: e.step,
      attempt: e.attempt,
      errorClass: e.errorClass,
      code: e.code,
      blockKind: e.blockKind,
    })),
    attempts: deriveAttempts(entries).map((a) => ({
      step: a.step,
      attempt: a.attempt,
      outcome: a.outcome,
      errorClass: a.errorClass,
      compensation: a.compensation,
    })),
    segments: deriveSegments({ acceptedAt: loaded.createdAt, entries, jobs: [], now: new Date(lastAt) }).map(
      (s) => ({ kind: s.kind, step: s.step, label: s.label }),
    ),
    track: {
      state: track.state,
      headline: track.headline,
      stages: track.stages,
      actionNeeded: track.actionNeeded,
    },
    statusText: statusText(workflow, {
      status: state.status,
      currentStep: f.row.currentStep,
      blockedKind: state.block?.kind ?? null,
    }),
    fromEvents: foldEvents(
      state.steps.map((s) => s.name),
      f.events,
    ),
  };
}

export interface HistoryReading {
  status: OperationStatus;
  derivedStatus: OperationStatus;
  steps: {
    name: string;
    status: string;
    attempts: number;
    skipReason: string | null;
    lastErrorCode: string | null;
    retryDue: boolean;
  }[];
  block: { kind: string; step: string | null } | null;
  failure: { code: string | null; step: string | null } | null;
  engineNext: { step: string | null; status: string | null; startsNow: boolean };
  actions: { action: string; step: string | null }[];
  timeline: {
    type: string;
    step: string | null;
    attempt: number | null;
    errorClass: string | null;
    code: string | null;
    blockKind: string | null;
  }[];
  attempts: {
    step: string;
    attempt: number;
    outcome: string;
    errorClass: string | null;
    compensation: boolean;
  }[];
  segments: { kind: string; step: string | null; label: string }[];
  track: {
    state: string;
    headline: string;
    stages: { label: string; state: string }[];
    actionNeeded: string | null;
  };
  statusText: string;
  fromEvents: ReturnType<typeof foldEvents>;
}
