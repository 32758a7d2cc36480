import { chmod, lstat, mkdir, mkdtemp, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "@/test/eventually";
import { type DatabaseHandle, DatabaseUnreachableError, openDatabase } from "./embedded";
import { isAlive, listProcesses } from "./embedded-processes";

const FAST = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" };
const SLOW_BOX = { timeout: 120_000 }; // initdb and a server start on a busy 2-core box

async function answer(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`select 1 as n`;
    return row?.n ?? 0;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A folder anyone may enter (mkdtemp makes them private to the caller). */
async function openFolder(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

describe("openDatabase", () => {
  it("rejects an unreachable DATABASE_URL with one plain sentence", async () => {
    const error = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/x /);
    expect(message).not.toContain("\n");
    // One sentence: a single terminator, at the very end.
    expect(message.match(/[.!?](\s|$)/g)).toEqual(["."]);
    expect(message.endsWith(".")).toBe(true);
  });
});

describe("openDatabase, embedded", () => {
  const dirs: string[] = [];
  const handles: DatabaseHandle[] = [];
  let base: string;
  beforeAll(async () => {
    base = await openFolder("tl-embedded-");
    dirs.push(base);
  });
  afterAll(async () => {
    for (const handle of handles) await handle.stop().catch(() => {});
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(process.getuid?.() !== 0)(
    "as root, keeps the cluster where the server's OS user can reach it when the data folder's parent is private",
    SLOW_BOX,
    async () => {
      const privateParent = path.join(base, "home");
      await mkdir(privateParent, { mode: 0o700 });
      await chmod(privateParent, 0o700);
      const dataDir = path.join(privateParent, "throughline", ".throughline");
      const clusterHome = path.join(base, "clusters");
      const lines: string[] = [];
      const log = (line: string) => lines.push(line);

      const first = await openDatabase({ dataDir, clusterHome, settings: FAST, log });
      handles.push(first);
      expect(await answer(first.url)).toBe(1);
      const link = path.join(dataDir, "pg");
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      const target = await readlink(link);
      expect(path.dirname(target)).toBe(clusterHome);
      expect(lines.join("\n")).toContain(`cannot enter ${privateParent}`);
      expect(lines.join("\n")).toContain(target);
      await first.stop();

      // The next start finds the same cluster through the link.
      const second = await openDatabase({ dataDir, clusterHome, settings: FAST, log });
      handles.push(second);
      expect(await answer(second.url)).toBe(1);
      expect(await readlink(link)).toBe(target);
      await second.stop();
    },
  );

  it("reports PostgreSQL's own reason when the server cannot start", SLOW_BOX, async () => {
    const dataDir = path.join(base, "bad-setting");
    const error = await openDatabase({ dataDir, settings: { ...FAST, shared_buffers: "lots" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^PostgreSQL could not start .*shared_buffers/);
  });

  it("stops every process an earlier server left on the cluster, then starts again", SLOW_BOX, async () => {
    const dataDir = path.join(base, "leftovers");
    const first = await openDatabase({ dataDir, settings: FAST });
    handles.push(first);
    const server = first.server;
    if (!server) throw new Error("an owned embedded database has a server");
    const children = listProcesses()
      .filter((p) => p.cwd() === server.clusterDir && p.pid !== server.pid)
      .map((p) => p.pid);
    expect(children.length).toBeGreaterThan(0);
    // A frozen child outlives its postmaster and keeps the shared memory block, as one
    // left by a killed run does: without the clean-up the next start fails on it.
    for (const pid of children) process.kill(pid, "SIGSTOP");
    process.kill(server.pid, "SIGKILL");
    await server.exited;

    await server.restart();
    expect(await answer(first.url)).toBe(1);
    await eventually(() => expect(children.filter(isAlive)).toEqual([]), { timeoutMs: 30_000 });
    await first.stop();
  });
});
