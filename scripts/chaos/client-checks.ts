/**
 * The client's side of the run: every answer it got, sorted by endpoint and by whether the
 * database was down, and what that must look like (503 with Retry-After while it is down,
 * never another 5xx, never a hang, never a dropped connection).
 */
import type { Check } from "./checks";
import type { Answer, Endpoint } from "./load";

export interface OutageWindow {
  /** The postmaster is gone from here… */
  downAt: number;
  /** …until its restart begins. */
  upAt: number;
}

export interface AnswerRow {
  endpoint: Endpoint;
  during: "outage" | "otherwise";
  counts: Record<string, number>;
}

/** Answered while PostgreSQL was down, including requests that were in flight when it died. */
const inOutage = (a: Answer, w: OutageWindow | null) => !!w && a.doneAt >= w.downAt && a.doneAt <= w.upAt;

/** Answers counted per endpoint and status, outage apart. */
export function answerTable(answers: Answer[], window: OutageWindow | null): AnswerRow[] {
  const rows = new Map<string, AnswerRow>();
  for (const a of answers) {
    const during = inOutage(a, window) ? "outage" : "otherwise";
    const key = `${a.endpoint} ${during}`;
    const row = rows.get(key) ?? { endpoint: a.endpoint, during, counts: {} };
    row.counts[String(a.status)] = (row.counts[String(a.status)] ?? 0) + 1;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) =>
    `${a.endpoint}${a.during}`.localeCompare(`${b.endpoint}${b.during}`),
  );
}

export function checkAnswers(answers: Answer[], window: OutageWindow | null): Check[] {
  const checks: Check[] = [];
  const add = (name: string, bad: Answer[]) => {
    checks.push({
      group: "client",
      name,
      violations: bad.length,
      examples: summarize(bad, window),
    });
  };
  const isStatus = (a: Answer): a is Answer & { status: number } => typeof a.status === "number";
  add(
    "answers 5xx other than 503",
    answers.filter((a) => isStatus(a) && a.status >= 500 && a.status !== 503),
  );
  add(
    "hangs (no answer within the client timeout)",
    answers.filter((a) => a.status === "timeout"),
  );
  add(
    "dropped connections",
    answers.filter((a) => a.status === "network"),
  );
  // Every request this run sends is valid; 429 is a rate limit, retried like a 503.
  add(
    "unexpected 4xx",
    answers.filter((a) => isStatus(a) && a.status >= 400 && a.status < 500 && a.status !== 429),
  );
  add(
    "503 or 429 without Retry-After",
    answers.filter((a) => (a.status === 503 || a.status === 429) && !a.retryAfter),
  );
  const during = answers.filter((a) => inOutage(a, window));
  add(
    "answers during the database outage other than 503",
    during.filter((a) => a.status !== 503),
  );
  checks.push({
    group: "client",
    name: "database outage seen by the client (at least one answer while it was down)",
    violations: during.length > 0 ? 0 : 1,
    examples: during.length > 0 ? [] : ["no request was answered while PostgreSQL was down"],
  });
  return checks;
}

/**
 * Counts per endpoint, status and problem, with when they were sent relative to the database
 * kill: `POST /api/v1/operations 500 /problems/internal × 3 (sent -0.2…1.4 s from the kill)`.
 */
function summarize(bad: Answer[], window: OutageWindow | null): string[] {
  const groups = new Map<string, Answer[]>();
  for (const a of bad) {
    const key = `${a.endpoint} ${a.status}${a.problem ? ` ${a.problem.slice(0, 60)}` : ""}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups.entries()].slice(0, 5).map(([key, answers]) => {
    if (!window) return `${key} × ${answers.length}`;
    const offsets = answers.map((a) => (a.sentAt - window.downAt) / 1000);
    const range = `${Math.min(...offsets).toFixed(1)}…${Math.max(...offsets).toFixed(1)} s`;
    return `${key} × ${answers.length} (sent ${range} from the kill)`;
  });
}
