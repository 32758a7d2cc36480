import { startCompanionLoop } from "@/server/engine/companion-loop";
import type { CompanionContext, StartCompanion } from "@/server/engine/worker";
import { TrackPresenter } from "@/server/presenters/track/track-presenter";
import { type SyntheticSettings, syntheticSettings } from "./config";
import { ensureSyntheticKey } from "./key";
import { pruneSynthetic } from "./retention";
import { runSyntheticCheck, type SyntheticDeps } from "./run";

/** After a slot boundary, so every worker tries the same slot (as the alert loop does). */
const AFTER_BOUNDARY_MS = 50;
/** When the key cannot be registered yet (the database is out): try again this soon. */
const RETRY_MS = 5_000;
/** How often a worker deletes synthetic checks past their retention (retention.ts). */
const PRUNE_EVERY_MS = 3_600_000;

export interface SyntheticWorkOptions {
  /** Default: syntheticSettings() from the environment. */
  baseUrl?: string;
  enabled?: boolean;
  /** Default: syntheticSettings().retentionMs. */
  retentionMs?: number;
  /** Replaces each type's `everyMs` (tests); the slot every process agrees on. */
  everyMs?: number;
  /** The parts of SyntheticDeps a test may set. */
  deps?: Partial<Pick<SyntheticDeps, "fetch" | "now" | "pollMs" | "apiKey">>;
  onRun?: (result: Awaited<ReturnType<typeof runSyntheticCheck>>) => void;
}

/**
 * The worker's synthetic checker, for every opted-in type of the registry: at each boundary of
 * the type's `everyMs` every worker tries, and the type's tick lock plus the slot's run row let
 * exactly one of them run it (runSyntheticCheck). A run is not awaited by the loop, so one slow
 * type never delays another, and one still in flight when the next slot comes is not doubled
 * (the in-flight unique index). Once an hour it also forgets checks past their retention.
 * Stopping aborts the runs in flight; their rows are dropped.
 */
export function syntheticWorkWith(options: SyntheticWorkOptions = {}): StartCompanion {
  return async (context: CompanionContext) => {
    let settings: SyntheticSettings | undefined;
    const fromEnv = () => (settings ??= syntheticSettings());
    const enabled = options.enabled ?? fromEnv().enabled;
    const types = context.registry.list().filter((w) => w.synthetic);
    if (!enabled || types.length === 0) return { stop: async () => {} };
    const baseUrl = options.baseUrl ?? fromEnv().baseUrl;
    const retentionMs = options.retentionMs ?? fromEnv().retentionMs;
    let prunedAt = Number.NEGATIVE_INFINITY;
    const everyOf = (type: string) => options.everyMs ?? context.registry.latest(type)!.synthetic!.everyMs;
    context.log(`synthetic: checking ${types.map((t) => t.type).join(", ")} through ${baseUrl}`);

    const stopping = new AbortController();
    const inFlight = new Set<Promise<void>>();
    const tried = new Map<string, number>();
    let deps: SyntheticDeps | undefined;
    const now = () => options.deps?.now?.().getTime() ?? Date.now();
    const untilNextSlot = () =>
      Math.min(...types.map((t) => everyOf(t.type) - (now() % everyOf(t.type)))) + AFTER_BOUNDARY_MS;

    const loop = startCompanionLoop({
      tick: async () => {
        deps ??= {
          db: context.db,
          registry: context.registry,
          track: new TrackPresenter(context.db, context.registry),
          baseUrl,
          ...options.deps,
          apiKey: options.deps?.apiKey ?? (await ensureSyntheticKey(context.db)),
        };
        for (const { type } of types) {
          const slot = Math.floor(now() / everyOf(type));
          if (tried.get(type) === slot) continue;
          tried.set(type, slot);
          const running = runSyntheticCheck(deps, {
            workflowType: type,
            slotMs: everyOf(type),
            signal: stopping.signal,
          })
            .then((result) => {
              options.onRun?.(result);
              if (result.ran && result.run.outcome !== "passed")
                context.log(
                  `synthetic: ${type} ${result.run.outcome}: ${result.run.error ?? "over its budget"}`,
                );
            })
            .catch((error: unknown) =>
              context.log(`synthetic: ${type} could not run: ${(error as Error).message}`),
            )
            .finally(() => inFlight.delete(running));
          inFlight.add(running);
        }
        if (now() - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = now();
          const pruned = await pruneSynthetic(context.db, { keepMs: retentionMs, now: new Date(now()) });
          if (pruned && pruned.operations + pruned.runs > 0)
            context.log(
              `synthetic: forgot ${pruned.operations} operation(s) and ${pruned.runs} run(s) past retention`,
            );
        }
        return untilNextSlot();
      },
      retryMs: () => RETRY_MS,
      onError: (error) => context.log(`synthetic: ${(error as Error).message}`),
    });
    return {
      async stop() {
        await loop.stop();
        stopping.abort();
        await Promise.all(inFlight);
      },
    };
  };
}

/** The checker as scripts/worker.ts lists it, configured from the environment (config.ts). */
export const syntheticWork: StartCompanion = syntheticWorkWith();
