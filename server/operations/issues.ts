import type { z } from "zod";

/** One invalid field, located by a JSON pointer (RFC 6901) into the request body. */
export interface FieldIssue {
  pointer: string;
  detail: string;
}

const escapeToken = (token: PropertyKey) => String(token).replaceAll("~", "~0").replaceAll("/", "~1");

export function zodIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  return error.issues.map((issue) => ({
    pointer: `${prefix}${issue.path.map((p) => `/${escapeToken(p)}`).join("")}` || "/",
    detail: issue.message,
  }));
}
