import { parseArgs } from "node:util";

export type Role = "web" | "worker";

export interface LaunchOptions {
  /** `dev` runs `next dev`; `prod` builds when the sources changed and runs `next start`. */
  mode: "prod" | "dev";
  roles: Role[];
  port: number;
  /** `--build-only`: make the production build if the sources changed, then exit (npm test's first step). */
  buildOnly: boolean;
}

export const USAGE = "usage: start [--dev] [--only web|worker] [--build-only]";

/** Reads `--dev`, `--only web|worker` and `--build-only` (plus PORT from the environment). */
export function parseLaunchOptions(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): LaunchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      dev: { type: "boolean", default: false },
      only: { type: "string" },
      "build-only": { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.only !== undefined && values.only !== "web" && values.only !== "worker") {
    throw new Error(`--only must be web or worker, not "${values.only}"; ${USAGE}`);
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535)
    throw new Error(`PORT is not a port: ${env.PORT}`);
  return {
    mode: values.dev ? "dev" : "prod",
    roles: values.only ? [values.only] : ["web", "worker"],
    port,
    buildOnly: values["build-only"],
  };
}
