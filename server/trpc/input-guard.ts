import type { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { hostileStrings, MAX_JSON_DEPTH, tooDeepAt } from "@/server/http/read-body";
import type { FieldIssue } from "@/server/operations/issues";
import { domainError } from "./domain-error";

/**
 * Issue 15 hole 3 for tRPC: the same limits as readJsonBody (depth, NUL, unpaired surrogates)
 * for every procedure's input, in one place, so no procedure has to remember them. Without it a
 * NUL reached PostgreSQL (which refuses it: a 500) and a 5,000-deep input overflowed the stack.
 */

/** What is wrong with an input before any schema sees it: too deep, or text that cannot be stored. */
export const inputIssues = (input: unknown): FieldIssue[] =>
  hostileStrings(input, { maxDepth: MAX_JSON_DEPTH });

export const hostileInputError = (issues: FieldIssue[]): TRPCError =>
  domainError("invalid_input", "The input contains text or nesting that cannot be accepted.", issues);

/**
 * superjson with a depth check in front of its input side: its deserialize copies the value
 * recursively, so a deep request body overflowed the stack there, before any middleware ran.
 * The wire value is `{ json, meta }`; `json` is the input itself. Answers stay superjson.
 */
export const guardedTransformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (payload: unknown) => {
      const wire = payload as { json?: unknown; meta?: unknown } | null;
      const deep = tooDeepAt(wire?.json) ?? (tooDeepAt(wire?.meta, 4 * MAX_JSON_DEPTH) && "/");
      if (deep)
        throw hostileInputError([
          { pointer: deep, detail: `The input nests deeper than ${MAX_JSON_DEPTH} levels.` },
        ]);
      return superjson.deserialize(payload as Parameters<typeof superjson.deserialize>[0]);
    },
  },
  output: superjson,
};
