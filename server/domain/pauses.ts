/** While a workflow type is paused, intake either keeps accepting (work waits) or answers 503. */
export const PAUSE_INTAKE_MODES = ["queue", "reject"] as const;
export type PauseIntakeMode = (typeof PAUSE_INTAKE_MODES)[number];
