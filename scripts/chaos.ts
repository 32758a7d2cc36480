/**
 * `npm run chaos` (full) and `npm run chaos -- --short`: real web and worker processes over a
 * private PostgreSQL, a mixed load with the providers' faults on, worker SIGKILLs, a rolling
 * restart onto a new workflow version and a database kill; then it checks that nothing
 * acknowledged was lost, repeated or left inconsistent, and prints the counts. Loopback only,
 * bounded in time; exits 1 when any check fails. See scripts/chaos/.
 */
import { answerHelp } from "@/scripts/lib/usage";
import { parseChaosArgs } from "./chaos/options";
import { formatReport } from "./chaos/report";
import { runChaos } from "./chaos/run";

answerHelp(`usage: npm run chaos [-- --short] [--seed=N] [--operations=N] [--kills=N]
  Real web and worker processes over a private PostgreSQL with faults, SIGKILLs, a rolling
  restart and a database kill; checks nothing acknowledged was lost or repeated (exit 1 if so).`);

const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  let options: ReturnType<typeof parseChaosArgs>;
  try {
    options = parseChaosArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  // First Ctrl-C: stop the load, check what happened and clean up; second: leave now (the
  // processes' guard still stops every child and the database).
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stop.signal.aborted) process.exit(130);
      log(`${signal}: stopping the run early`);
      stop.abort();
    });
  }
  const result = await runChaos(options, log, stop.signal);
  console.log(formatReport(result));
  process.exit(result.ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`[chaos] ${(error as Error).message}`);
  process.exit(1);
});
