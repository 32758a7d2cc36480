import type { RouterOutputs } from "../_lib/router-types";

type Consequences = NonNullable<RouterOutputs["actions"]["available"]["actions"][number]["consequences"]>;

/**
 * What an action will do, shown in its dialog before the click: read from the plan and the
 * workflow on the server (server/actions/consequences.ts), never written here.
 */
export function ActionConsequences({ consequences }: { consequences: Consequences }) {
  if (consequences.kind === "undo") {
    const { undo, cannotUndo, notRun, running } = consequences;
    return (
      <div className="space-y-2 text-sm" data-testid="action-consequences">
        {running && (
          <p>“{running.title}” is running now: it finishes first, and is undone too if it succeeds.</p>
        )}
        <div>
          <p className="font-medium">Will be undone{undo.length > 1 ? ", latest first" : ""}:</p>
          {undo.length === 0 ? (
            <p className="text-zinc-600 dark:text-zinc-400">Nothing: no completed step has an undo.</p>
          ) : (
            <ul className="list-disc pl-5" aria-label="Will be undone">
              {undo.map((u) => (
                <li key={u.step}>
                  <span className="font-medium">{u.title}</span>: {u.description}
                </li>
              ))}
            </ul>
          )}
        </div>
        {cannotUndo.length > 0 && (
          <div className="rounded-md border border-status-blocked/40 bg-status-blocked/10 px-3 py-2">
            <p className="font-medium">Cannot be undone:</p>
            <ul className="list-disc pl-5" aria-label="Cannot be undone">
              {cannotUndo.map((c) => (
                <li key={c.step}>
                  <span className="font-medium">{c.title}</span>: {c.why}
                </li>
              ))}
            </ul>
          </div>
        )}
        {notRun.length > 0 && (
          <p className="text-zinc-600 dark:text-zinc-400">
            Will not run: {notRun.map((n) => n.title).join(", ")}.
          </p>
        )}
      </div>
    );
  }
  const { runNext, guards } = consequences;
  return (
    <div className="space-y-2 text-sm" data-testid="action-consequences">
      {guards && (
        <p
          role="alert"
          className="rounded-md border border-status-failed/40 bg-status-failed/10 px-3 py-2 font-medium"
        >
          This step guards the steps after it: {guards}
        </p>
      )}
      <p>
        {runNext.length === 0
          ? "No step runs after it: the operation completes."
          : `Then these run, on the output you supply: ${runNext.map((n) => n.title).join(" → ")}.`}
      </p>
    </div>
  );
}
