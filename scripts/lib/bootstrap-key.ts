import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export const BOOTSTRAP_KEY_FILE = "bootstrap-key";

/**
 * The API key the web process accepts before any key is created in the database.
 * Uses THROUGHLINE_BOOTSTRAP_API_KEY when set; otherwise a `tl_dev_…` key generated
 * once and kept in the data directory, so it stays the same across starts.
 */
export async function resolveBootstrapKey(
  dataDir: string,
  fromEnv = process.env.THROUGHLINE_BOOTSTRAP_API_KEY,
): Promise<{ key: string; source: "env" | "file" | "generated" }> {
  if (fromEnv) return { key: fromEnv, source: "env" };
  const file = path.join(dataDir, BOOTSTRAP_KEY_FILE);
  const stored = await readFile(file, "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  if (stored) return { key: stored, source: "file" };
  const key = `tl_dev_${randomBytes(24).toString("base64url")}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, source: "generated" };
}
