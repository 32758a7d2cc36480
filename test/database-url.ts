/** The same server and credentials as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Database names here are generated (hex, underscores), but quote them anyway. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
