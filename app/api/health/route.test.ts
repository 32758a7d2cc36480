import { readdirSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/db/client";
import { latestMigrationTag } from "@/db/migrate";
import { health } from "@/server/http/health";
import { createTestDatabase, type TestDatabase } from "@/test/db";

/** The route answers `health` over the process's pool; each test points it at the database it needs. */
let pointed: Db | undefined;
const GET = () => health(() => pointed!);

describe("GET /api/health", () => {
  let t: TestDatabase;
  let silent: net.Server;
  let silentPort: number;
  const sockets = new Set<net.Socket>();
  const pools: Db[] = [];
  const pointAt = (url: string) => {
    const db = createDb(url, { max: 1 });
    pools.push(db);
    pointed = db;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    // Accepts connections and never answers, like a hung server.
    silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    pointed = undefined;
    for (const socket of sockets) socket.destroy();
    await Promise.all(pools.map((db) => db.$client.end({ timeout: 0 })));
    silent?.close();
    await t?.drop();
  });

  it("answers 200 with the applied migration when the database is reachable", async () => {
    pointed = t.db;
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      status: "ok",
      database: "reachable",
      migration: latestMigrationTag(),
      migrationsApplied: readdirSync(new URL("../../../db/migrations", import.meta.url)).filter((f) =>
        f.endsWith(".sql"),
      ).length,
    });
  });

  it("answers 503 at once when the database refuses connections", async () => {
    pointAt("postgres://postgres@127.0.0.1:1/x");
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });

  // How long it waits (its two-second deadline) is a figure in `npm run bench` (BENCH_ONLY=waits).
  it("answers 503, rather than hanging, when the database accepts the connection and never answers", async () => {
    pointAt(`postgres://postgres@127.0.0.1:${silentPort}/x`);
    const response = await GET();
    expect(sockets.size).toBeGreaterThan(0);
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });
});
