import { maySeeType } from "@/server/domain/principal";
import { zodIssues } from "@/server/operations/issues";
import type { Services } from "@/server/services";
import { ZAcknowledgmentRequestSchema, ZCallbackRequestSchema } from "@/server/waits/schemas";
import type { AcknowledgeResult } from "@/server/waits/wait-service";
import { requireScope } from "./authenticate";
import { json, problem } from "./problem";
import { hostileParameters, readJsonBody } from "./read-body";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STEP = /^[a-z][a-z0-9_]{0,62}$/;
/** One answer for every token that is not a live wait's: nothing tells a forgery from a typo. */
const unknownCallback = () => problem("not-found", { detail: "No wait answers at this callback URL." });

/**
 * Completing durable waits over HTTP: the callback URL another system was handed (no API key,
 * the token is the only authority) and the acknowledge endpoint for services with a key.
 */
export function waitsApi(services: Services) {
  const { db, waits } = services;

  return {
    async callback(request: Request, token: string): Promise<Response> {
      // Anything not shaped like a token is unknown: refused before the body is even read.
      if (token.length > 512 || !/^[A-Za-z0-9_.-]+$/.test(token)) return unknownCallback();
      const body = await readJsonBody(request);
      if (!body.ok) return body.response;
      const parsed = ZCallbackRequestSchema.safeParse(body.value);
      if (!parsed.success) {
        return problem("invalid-request", {
          detail:
            "The body must be an acknowledgment ({status: succeeded|failed, …}) or {status: heartbeat}.",
          errors: zodIssues(parsed.error),
        });
      }
      if (parsed.data.status === "heartbeat") {
        const beat = await waits.heartbeat({ token });
        if (beat.type === "not_found") return unknownCallback();
        if (beat.type === "gone") {
          return problem("gone", { detail: "This wait is over or declared no heartbeat." });
        }
        return json({ heartbeatDeadlineAt: beat.heartbeatDeadlineAt });
      }
      const result = await waits.acknowledge({ token }, parsed.data, { by: "callback", actor: "system" });
      return answer(result, unknownCallback);
    },

    async acknowledge(request: Request, operationId: string, step: string): Promise<Response> {
      const auth = await requireScope(db, request, "operations:write");
      if (!auth.ok) return auth.response;
      const hostile = hostileParameters({ id: operationId, step }, "/path");
      if (hostile) return hostile;
      const missing = () =>
        problem("not-found", { detail: `No wait of step "${step}" on operation "${operationId}".` });
      if (!UUID.test(operationId) || !STEP.test(step)) return missing();
      const body = await readJsonBody(request);
      if (!body.ok) return body.response;
      const parsed = ZAcknowledgmentRequestSchema.safeParse(body.value);
      if (!parsed.success) {
        return problem("invalid-request", {
          detail: "The body must be {status: succeeded, payload} or {status: failed, errorClass, message}.",
          errors: zodIssues(parsed.error),
        });
      }
      const actor = auth.principal.kind === "key" ? `key:${auth.principal.keyId}` : "system";
      const result = await waits.acknowledge(
        { operationId, step },
        parsed.data,
        { by: actor, actor },
        (type) => maySeeType(auth.principal, type),
      );
      return answer(result, missing);
    },
  };
}

function answer(result: AcknowledgeResult, notFound: () => Response): Response {
  switch (result.type) {
    case "not_found":
      return notFound();
    case "invalid":
      return problem("invalid-input", {
        detail: "The acknowledgment's payload does not match what the waiting step declared.",
        errors: result.issues.map((i) => ({
          pointer: `/payload${i.path ? `/${i.path.replaceAll(".", "/")}` : ""}`,
          detail: i.message,
        })),
      });
    case "conflict":
      return problem("acknowledgment-conflict", {
        detail: "This wait was already completed by a different acknowledgment.",
      });
    case "gone":
      return problem("gone", {
        detail:
          result.reason === "deadline_passed" || result.reason === "expired"
            ? "This wait's deadline has passed; the acknowledgment was recorded and not applied."
            : "The operation has moved on; the acknowledgment was recorded and not applied.",
      });
    case "accepted":
      return json(
        { wait: result.wait, replayed: result.replayed },
        200,
        result.replayed ? { "idempotent-replayed": "true" } : {},
      );
  }
}
