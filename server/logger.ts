import pino from "pino";

/** One structured logger; the role (web/worker) tells processes apart. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { role: process.env.THROUGHLINE_ROLE ?? "app" },
});
