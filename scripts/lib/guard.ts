/**
 * What stops a launcher's children when the launcher itself is killed (SIGKILL, the OOM
 * killer, a crashed terminal), since each child sits in a process group of its own.
 *
 * The guard is a tiny `sh` reading a pipe whose write end only the launcher has. The
 * launcher tells it, a line at a time, which processes to stop and which to forget. The
 * kernel closes the pipe when the launcher dies, however it dies; the guard then reads
 * end-of-file and stops them in the launcher's own order: first the children (web, worker,
 * build: SIGTERM to each group, as on Ctrl-C), then PostgreSQL (SIGINT, its fast shutdown),
 * so the worker can still record that it stopped. Whatever outlives its grace is killed.
 * It works the same for Next's server, the worker, `next build` and PostgreSQL, none of
 * which needs to know.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";

const GUARD_SCRIPT = `
children=""; database=""
while read -r op target; do
  case "$op" in
    children) children="$children $target" ;;
    database) database="$database $target" ;;
    forget)
      kept=""; for t in $children; do [ "$t" = "$target" ] || kept="$kept $t"; done; children=$kept
      kept=""; for t in $database; do [ "$t" = "$target" ] || kept="$kept $t"; done; database=$kept ;;
  esac
done
stop() {
  signal=$1; grace=$2; shift 2
  for t in "$@"; do kill -"$signal" $t 2>/dev/null; done
  i=0
  while :; do
    alive=""; for t in "$@"; do kill -0 $t 2>/dev/null && alive="$alive $t"; done
    [ -z "$alive" ] && return
    i=$((i + 1))
    if [ "$i" -gt "$grace" ]; then for t in $alive; do kill -KILL $t 2>/dev/null; done; return; fi
    sleep 1
  done
}
stop TERM "$1" $children
stop INT "$2" $database`;

/** Only what `sh` needs: in particular not the launcher's mark (leftovers.ts). */
const GUARD_ENV: NodeJS.ProcessEnv = { ...process.env };
for (const name of Object.keys(GUARD_ENV)) if (name !== "PATH") delete GUARD_ENV[name];

export type GuardTier = "children" | "database";

export interface GuardOptions {
  /** Seconds between SIGTERM and SIGKILL for the children. */
  childrenGraceSeconds: number;
  /** Seconds between SIGINT and SIGKILL for PostgreSQL. */
  databaseGraceSeconds: number;
}

export class LauncherGuard {
  private child: ChildProcess | undefined;

  constructor(
    private readonly options: GuardOptions = { childrenGraceSeconds: 10, databaseGraceSeconds: 30 },
  ) {}

  /**
   * Stop `target` (a pid, or a negative process-group id) if the launcher dies; call the
   * returned function once it has stopped by other means.
   */
  protect(target: number, tier: GuardTier): () => void {
    this.send(`${tier} ${target}`);
    return () => this.send(`forget ${target}`);
  }

  /** Ends the guard without stopping anything: the launcher is exiting on its own terms. */
  dismiss(): void {
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }

  private send(line: string): void {
    this.child ??= this.spawnGuard();
    this.child.stdin?.write(`${line}\n`);
  }

  private spawnGuard(): ChildProcess {
    const { childrenGraceSeconds, databaseGraceSeconds } = this.options;
    const child = spawn(
      "sh",
      ["-c", GUARD_SCRIPT, "throughline-guard", String(childrenGraceSeconds), String(databaseGraceSeconds)],
      { stdio: ["pipe", "ignore", "ignore"], detached: true, env: GUARD_ENV },
    );
    // No sh, or it died: nothing guards the children, as before guards existed.
    child.on("error", () => {});
    child.stdin?.on("error", () => {});
    child.unref();
    (child.stdin as Socket | null)?.unref();
    return child;
  }
}
