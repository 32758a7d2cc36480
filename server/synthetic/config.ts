/**
 * Where the worker's synthetic checker finds the web, from the environment:
 *
 * - `THROUGHLINE_SYNTHETIC_URL`: the web's base URL as the worker reaches it, when that differs
 *   from the public one (a worker inside the network, the public URL behind a proxy it cannot reach).
 * - else `THROUGHLINE_PUBLIC_URL`, else `http://localhost:$PORT` (PORT 3000) — the same default as
 *   server/auth/config.ts, and what the launcher gives both children.
 * - `THROUGHLINE_SYNTHETIC_CHECKS=off` stops the worker from running any (the definitions still opt in).
 * - `THROUGHLINE_SYNTHETIC_RETENTION_DAYS` (default 7): finished synthetic operations and runs older
 *   than this are deleted (retention.ts).
 */
export interface SyntheticSettings {
  enabled: boolean;
  baseUrl: string;
  retentionMs: number;
}

const DEFAULT_RETENTION_DAYS = 7;

export function syntheticSettings(env: Record<string, string | undefined> = process.env): SyntheticSettings {
  const port = env.PORT ?? "3000";
  const url = env.THROUGHLINE_SYNTHETIC_URL || env.THROUGHLINE_PUBLIC_URL || `http://localhost:${port}`;
  const flag = (env.THROUGHLINE_SYNTHETIC_CHECKS ?? "on").trim().toLowerCase();
  if (!["on", "off", "1", "0", "true", "false"].includes(flag))
    throw new Error(
      `THROUGHLINE_SYNTHETIC_CHECKS must be "on" or "off", not "${env.THROUGHLINE_SYNTHETIC_CHECKS}".`,
    );
  const days = Number(env.THROUGHLINE_SYNTHETIC_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS);
  if (!Number.isFinite(days) || days <= 0)
    throw new Error(
      `THROUGHLINE_SYNTHETIC_RETENTION_DAYS must be a positive number of days, not "${env.THROUGHLINE_SYNTHETIC_RETENTION_DAYS}".`,
    );
  return {
    retentionMs: days * 86_400_000,
    enabled: ["on", "1", "true"].includes(flag),
    baseUrl: new URL(url).origin + new URL(url).pathname.replace(/\/+$/, ""),
  };
}
