import type { ActionRequest } from "@/server/actions/plans";
import type { OperationStatus } from "@/server/domain/statuses";
import type { RealSystem } from "@/test/proof/model/real";

/** The model-workflow runs the recorder (test/proof/histories.record.test.ts) drives step by step. */

/** One command to the model workflow through the real engine (see RealSystem). */
export type Step =
  | ["run", Parameters<RealSystem["run"]>[1], ("ok" | "broken")?]
  | ["act", ActionRequest]
  | ["kill"]
  | ["restart"]
  | ["finish", "ok"];
/** name, description, the status it must reach, the commands. */
export const MODEL_SCENARIOS: [string, string, OperationStatus, Step[]][] = [
  ["model-accepted", "Accepted, no step started yet.", "accepted", []],
  ["model-running", "Step a running in a live worker.", "processing", [["run", "hang"]]],
  [
    "model-retrying",
    "Step a failed transiently; its retry is scheduled.",
    "processing",
    [["run", "transient"]],
  ],
  ["model-blocked-person", "Step a needs a person.", "blocked", [["run", "person"]]],
  ["model-blocked-precondition", "Step a's precondition blocks.", "blocked", [["run", "pre_block"]]],
  [
    "model-blocked-retries-exhausted",
    "Step a failed transiently three times; retries exhausted block.",
    "blocked",
    [
      ["run", "transient"],
      ["run", "transient"],
      ["run", "transient"],
    ],
  ],
  [
    "model-failing",
    "Step b failed permanently; the undo of a has not run yet.",
    "processing",
    [
      ["run", "ok"],
      ["run", "permanent"],
    ],
  ],
  [
    "model-failed-compensated",
    "Step b failed permanently; a was undone, c skipped.",
    "failed",
    [
      ["run", "ok"],
      ["run", "permanent"],
      ["run", "ok"],
    ],
  ],
  [
    "model-blocked-compensation",
    "The undo of a broke: blocked for a person to undo it by hand.",
    "blocked",
    [
      ["run", "ok"],
      ["run", "permanent"],
      ["run", "ok", "broken"],
    ],
  ],
  [
    "model-failed-after-compensate-action",
    "A broken undo, then the operator's compensate, then the undo ran.",
    "failed",
    [
      ["run", "ok"],
      ["run", "permanent"],
      ["run", "ok", "broken"],
      ["act", { action: "compensate" }],
      ["run", "ok"],
    ],
  ],
  [
    "model-failed-exhausted",
    "Step c ran out of retries, which fails the operation; a undone.",
    "failed",
    [
      ["run", "ok"],
      ["run", "ok"],
      ["run", "transient"],
      ["run", "transient"],
      ["run", "transient"],
      ["run", "ok"],
    ],
  ],
  [
    "model-failed-precondition",
    "Step a's precondition says it can never run.",
    "failed",
    [
      ["run", "pre_fail"],
      ["run", "ok"],
    ],
  ],
  [
    "model-completed",
    "Every step succeeded.",
    "completed",
    [
      ["run", "ok"],
      ["run", "ok"],
      ["run", "ok"],
    ],
  ],
  [
    "model-completed-skip",
    "Step b blocked on a person, skipped with an override; c ran.",
    "completed",
    [
      ["run", "ok"],
      ["run", "person"],
      ["act", { action: "skip", step: "b" }],
      ["run", "ok"],
    ],
  ],
  [
    "model-skipped-in-flight",
    "Step b blocked on a person and skipped with an override; c not run yet.",
    "processing",
    [
      ["run", "ok"],
      ["run", "person"],
      ["act", { action: "skip", step: "b" }],
    ],
  ],
  [
    "model-replayed",
    "Retries of a exhausted, then replayed by an operator: due again.",
    "processing",
    [
      ["run", "transient"],
      ["run", "transient"],
      ["run", "transient"],
      ["act", { action: "replay", step: "a" }],
    ],
  ],
  [
    "model-replayed-completed",
    "Retries of a exhausted, replayed, then every step succeeded.",
    "completed",
    [
      ["run", "transient"],
      ["run", "transient"],
      ["run", "transient"],
      ["act", { action: "replay", step: "a" }],
      ["run", "ok"],
      ["run", "ok"],
      ["run", "ok"],
    ],
  ],
  [
    "model-retry-now",
    "A retry brought forward by an operator.",
    "processing",
    [
      ["run", "transient"],
      ["act", { action: "retry" }],
    ],
  ],
  [
    "model-resumed",
    "A person's block resumed: step a due again.",
    "processing",
    [
      ["run", "person"],
      ["act", { action: "resume" }],
    ],
  ],
  [
    "model-cancelled-accepted",
    "Cancelled before any step ran.",
    "failed",
    [
      ["act", { action: "cancel" }],
      ["run", "ok"],
    ],
  ],
  [
    "model-cancelling",
    "Cancelled after a; the undo has not run yet.",
    "processing",
    [
      ["run", "ok"],
      ["act", { action: "cancel" }],
    ],
  ],
  [
    "model-cancelled",
    "Cancelled after a; a undone.",
    "failed",
    [
      ["run", "ok"],
      ["act", { action: "cancel" }],
      ["run", "ok"],
    ],
  ],
  [
    "model-crashed",
    "The worker running a was killed: its lease ran out.",
    "processing",
    [["run", "hang"], ["kill"]],
  ],
  [
    "model-crashed-cancelled",
    "A worker killed after a's effect landed, then a cancel: blocked for a person to undo a by hand.",
    "blocked",
    [["run", "lost"], ["kill"], ["act", { action: "cancel" }], ["run", "ok"]],
  ],
  [
    "model-swept",
    "A killed worker's step taken by the sweeper, waiting for its recovery job.",
    "processing",
    [["run", "hang"], ["kill"], ["restart"]],
  ],
  [
    "model-taken-over",
    "A killed worker's step taken over and run again; the zombie's late answer discarded.",
    "completed",
    [["run", "hang"], ["kill"], ["restart"], ["run", "ok"], ["finish", "ok"], ["run", "ok"], ["run", "ok"]],
  ],
];
