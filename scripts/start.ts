/**
 * The one launcher: `npm start` (production), `npm run dev` (--dev), `npm run web`
 * (--only web), `npm run worker` (--only worker).
 *
 * 1. stops whatever a killed launcher left on this data folder (scripts/lib/leftovers.ts);
 * 2. database: DATABASE_URL, or an embedded PostgreSQL in THROUGHLINE_DATA_DIR (a second
 *    launcher attaches to the first one's server);
 * 3. migrations and the job queues;
 * 4. production only: `next build`, skipped when the build stamp matches the sources;
 * 5. web (`scripts/web-server.ts`: Next's handler, production or dev) and worker
 *    (`scripts/worker.ts`) as supervised child processes:
 *    one that dies is restarted, and so is the embedded PostgreSQL; after repeated fast
 *    crashes of one of them everything stops (exit 1). See scripts/lib/processes.ts;
 * 6. "Throughline is running" once the web answers;
 * 7. on SIGINT/SIGTERM: children get SIGTERM (SIGKILL after 15 s), then the embedded
 *    database stops, last. Killed outright, its children stop on their own (guard.ts).
 *
 * `--build-only` runs step 4 alone and exits: npm test's first step, so every test after it
 * (the launcher's own, Playwright's) reuses one build.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type DatabaseHandle, DatabaseUnreachableError, defaultDataDir, openDatabase } from "@/db/embedded";
import { sleep } from "@/db/embedded-processes";
import { isDatabaseUnavailable } from "@/db/errors";
import { announceFirstAdmin } from "@/server/auth/first-admin";
import { hashBuildInputs, isBuildCurrent, writeBuildStamp } from "./lib/build-stamp";
import { assertPortFree, LAUNCHER_MARK, launcherMark, stopLeftoverChildren } from "./lib/leftovers";
import {
  APP_SECRET,
  AUDIT_KEY,
  auditCheckpointFile,
  BOOTSTRAP_API_KEY,
  resolveSecret,
} from "./lib/local-secrets";
import { type LaunchOptions, parseLaunchOptions, USAGE } from "./lib/options";
import { prepareDatabase } from "./lib/prepare-database";
import { describeExit, Supervisor } from "./lib/processes";
import { answerHelp } from "./lib/usage";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NEXT_BIN = createRequire(import.meta.url).resolve("next/dist/bin/next");
const SHUTDOWN_GRACE_MS = 15_000;
const WEB_READY_TIMEOUT_MS = 180_000;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const log = (line: string) => console.log(`[throughline] ${line}`);

async function main(): Promise<void> {
  const startedAt = performance.now();
  process.chdir(ROOT);
  const options = parseOptionsOrExit();
  if (options.buildOnly) return buildOnly();
  const dataDir = defaultDataDir();
  await stopLeftoverChildren(dataDir, log);

  let database: DatabaseHandle;
  try {
    database = await openDatabase({ url: process.env.DATABASE_URL, log });
  } catch (error) {
    // One sentence, no stack trace: the unreachable server, or PostgreSQL's own reason.
    console.error(
      error instanceof DatabaseUnreachableError ? error.message : `[throughline] ${messageOf(error)}`,
    );
    process.exit(1);
  }

  let shuttingDown = false;
  const shutdown = async (code: number, reason: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${reason}: stopping`);
    await supervisor.stopAll(SHUTDOWN_GRACE_MS);
    if (database.owned) log("stopping the embedded PostgreSQL");
    await database.stop().catch((error: unknown) => log(`could not stop PostgreSQL: ${messageOf(error)}`));
    supervisor.release();
    log(`stopped (exit ${code})`);
    process.exit(code);
  };
  const supervisor = new Supervisor(log, (exit) => {
    void shutdown(1, `${exit.name} keeps crashing (last: ${describeExit(exit)})`);
  });
  for (const signal of SIGNALS) process.on(signal, () => void shutdown(0, `${signal} received`));
  // A stray error must not kill the launcher and leave its children to the guard. While
  // stopping, a client cut off by the database going away may throw: that is expected.
  for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.on(event, (error: unknown) => {
      // The launcher's own short-lived connections (migrations, the first admin) may see the
      // database go away; its children reconnect by themselves, so that is no reason to stop them.
      if (!shuttingDown && isDatabaseUnavailable(error)) {
        log(`lost a database connection (${messageOf(error)}); the children keep running`);
        return;
      }
      log(`${shuttingDown ? "while stopping: " : ""}unexpected error: ${messageOf(error)}`);
      void shutdown(1, "the launcher failed");
    });
  }
  const server = database.server;
  if (server) {
    // The web and worker reconnect on their own once it is back.
    supervisor.watch({
      name: "embedded PostgreSQL",
      current: () => ({ pid: server.pid, exited: server.exited }),
      restart: () => server.restart(),
    });
  }

  try {
    const migration = await prepareDatabase(database.url);
    log(
      migration.applied > 0
        ? `applied ${migration.applied} migration(s); schema at ${migration.version}`
        : `schema up to date (${migration.version})`,
    );
    if (options.mode === "prod" && options.roles.includes("web")) await buildIfNeeded(supervisor);
    if (supervisor.isStopping) return;

    const bootstrap = await resolveSecret(BOOTSTRAP_API_KEY, dataDir);
    const secret = await resolveSecret(APP_SECRET, dataDir);
    const auditKey = await resolveSecret(AUDIT_KEY, dataDir);
    // The launcher writes audit records itself (the first admin): sealed like its children's,
    // since an unsealed record after sealed ones reads as forged.
    process.env[AUDIT_KEY.env] = auditKey.value;
    if (secret.source !== "env" && !database.embedded) {
      log(`${APP_SECRET.env} is kept in the data directory: give every replica the same value instead`);
    }
    if (auditKey.source !== "env" && !database.embedded) {
      log(`${AUDIT_KEY.env} is kept in the data directory: give every replica the same value instead`);
    }
    const env: NodeJS.ProcessEnv = {
      NEXT_TELEMETRY_DISABLED: "1",
      ...process.env,
      DATABASE_URL: database.url,
      [BOOTSTRAP_API_KEY.env]: bootstrap.value,
      [APP_SECRET.env]: secret.value,
      [AUDIT_KEY.env]: auditKey.value,
      THROUGHLINE_AUDIT_CHECKPOINT_FILE: auditCheckpointFile(dataDir),
      [LAUNCHER_MARK]: launcherMark(dataDir),
      PORT: String(options.port),
    };
    if (options.roles.includes("web")) {
      // Checked before the web starts, so the answer waited for below is this web's.
      await assertPortFree(options.port);
      supervisor.startService({
        name: "web",
        command: process.execPath,
        // Next's handler on our own node:http server (scripts/web-server.ts): its header, body
        // and keep-alive timeouts fit an API, unlike `next start`'s Node defaults.
        args: ["--import", "tsx", "scripts/web-server.ts", ...(options.mode === "dev" ? ["--dev"] : [])],
        env: { ...env, THROUGHLINE_ROLE: "web" },
      });
    }
    if (options.roles.includes("worker")) {
      supervisor.startService({
        name: "worker",
        command: process.execPath,
        args: ["--import", "tsx", "scripts/worker.ts"],
        env: { ...env, THROUGHLINE_ROLE: "worker" },
      });
    }
    if (options.roles.includes("web")) await waitForWeb(options.port, supervisor);
    if (supervisor.isStopping) return;
    printBanner(options, database, bootstrap, performance.now() - startedAt);
    // People and trust (issue 7): the first admin from the environment, or a one-time setup link.
    // The web already serves: a database that drops now must not stop it (npm run chaos saw a
    // launcher exit 1 here, taking its healthy web down); the next start announces again.
    if (options.roles.includes("web")) {
      await announceFirstAdmin({ databaseUrl: database.url, port: options.port, log }).catch(
        (error: unknown) =>
          log(`could not check for a first admin (${messageOf(error)}); the web keeps running`),
      );
    }
  } catch (error) {
    await shutdown(1, `could not start: ${messageOf(error)}`);
  }
}

function parseOptionsOrExit(): LaunchOptions {
  answerHelp(`${USAGE}
  npm start (production, builds when the sources changed), npm run dev (--dev),
  npm run web (--only web), npm run worker (--only worker); --build-only builds and exits.
  DATABASE_URL, or an embedded PostgreSQL in THROUGHLINE_DATA_DIR; PORT (3000).`);
  try {
    return parseLaunchOptions(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

/** `--build-only`: the build `npm start` would make, so the tests after it all reuse one. */
async function buildOnly(): Promise<void> {
  const supervisor = new Supervisor(log, () => {});
  for (const signal of SIGNALS) process.on(signal, () => void supervisor.stopAll(SHUTDOWN_GRACE_MS));
  try {
    await buildIfNeeded(supervisor);
  } catch (error) {
    log(messageOf(error));
    process.exitCode = 1;
  }
  supervisor.release();
}

/** Runs `next build` unless `.next/` already holds a build of exactly these sources. */
async function buildIfNeeded(supervisor: Supervisor): Promise<void> {
  const hash = await hashBuildInputs(ROOT);
  if (await isBuildCurrent(ROOT, hash)) {
    log("production build matches the sources: skipping next build");
    return;
  }
  log("sources changed since the last build (or none yet): running next build");
  const startedAt = performance.now();
  // No DATABASE_URL: a page that reads the database must render per request, not at build time.
  const { DATABASE_URL: _omitted, ...buildEnv } = process.env;
  const code = await supervisor.runTask({
    name: "build",
    command: process.execPath,
    args: [NEXT_BIN, "build"],
    env: { NEXT_TELEMETRY_DISABLED: "1", ...buildEnv },
  });
  if (supervisor.isStopping) return;
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  await writeBuildStamp(ROOT, hash);
  log(`built in ${seconds(performance.now() - startedAt)}`);
}

/** Resolves once the web process answers HTTP (any status), or when shutting down. */
async function waitForWeb(port: number, supervisor: Supervisor): Promise<void> {
  const deadline = Date.now() + WEB_READY_TIMEOUT_MS;
  while (!supervisor.isStopping) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5_000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`the web process did not answer on port ${port}`);
      await sleep(200);
    }
  }
}

function printBanner(
  options: LaunchOptions,
  database: DatabaseHandle,
  bootstrap: { value: string; source: string },
  elapsedMs: number,
): void {
  const lines = [`Throughline is running (${options.mode}, ready in ${seconds(elapsedMs)})`];
  lines.push(`  database  ${database.embedded ? "embedded PostgreSQL " : ""}${redact(database.url)}`);
  if (options.roles.includes("web")) {
    const base = `http://localhost:${options.port}`;
    lines.push(`  web       ${base}`);
    lines.push(`  API       curl -H "Authorization: Bearer ${bootstrap.value}" ${base}/api/v1/workflows`);
    if (bootstrap.source !== "env") {
      lines.push(
        "            (key kept in the data directory; set THROUGHLINE_BOOTSTRAP_API_KEY to choose one)",
      );
    }
  }
  if (options.roles.includes("worker")) lines.push("  worker    running");
  lines.push("Press Ctrl-C to stop.");
  console.log(`\n${lines.join("\n")}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable url)";
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().catch((error: unknown) => {
  console.error(`[throughline] ${messageOf(error)}`);
  process.exit(1);
});
