import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { reasonProblem } from "@/server/actions/plans";
import { type AuditActor, appendAudit, type RequestMeta } from "@/server/audit/write";
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  type WebhookFormat,
} from "@/server/domain/webhook-events";
import { checkDestination, privateUrlsAllowed } from "@/server/http-client/safe-fetch";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { parkDeliveries } from "./settle";

export const MAX_WEBHOOK_URL_LENGTH = 2_000;

export interface RegisterEndpoint {
  url: string;
  description?: string;
  eventTypes: WebhookEventType[];
  /** Only these workflow types; null or empty: every type. */
  workflowTypes?: string[] | null;
  format?: WebhookFormat;
}

/** Who makes an audited change, from where. */
export interface ChangedBy {
  actor: AuditActor;
  request: RequestMeta;
}

export type RegisterResult =
  /** `secret` is shown this once; only the signer reads it again. */
  | { type: "created"; endpointId: string; secret: string }
  | { type: "invalid"; field: "url" | "eventTypes" | "workflowTypes"; message: string };

export type SetEnabledResult =
  | { type: "changed" }
  | { type: "unchanged" }
  | { type: "not_found" }
  | { type: "invalid"; field: "reason"; message: string };

export type RedeliverResult =
  /** `parked`: the endpoint is disabled; it leaves once an admin re-enables it. */
  | { type: "redelivered"; deliveryId: number; parked: boolean }
  | { type: "not_found" }
  /** The delivery is still pending: it will be tried without being asked. */
  | { type: "pending" }
  | { type: "invalid"; field: "reason"; message: string };

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes (the spec asks 24 to 64). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * Admins' changes to outbound webhook endpoints (registering, disabling, re-enabling) and manual
 * redelivery, each audited in the transaction of the change. Deliveries themselves are the
 * deliverer's (deliver.ts).
 */
export class WebhookEndpointService {
  constructor(
    private readonly deps: {
      db: Db;
      registry: WorkflowRegistry;
      /** Non-public destinations allowed (tests, local development); THROUGHLINE_ALLOW_PRIVATE_URLS=1. */
      allowPrivate?: () => boolean;
    },
  ) {}

  /** Checks a destination as the deliverer will (scheme, credentials, every resolved address). */
  async urlProblem(raw: string): Promise<string | null> {
    if (raw.length > MAX_WEBHOOK_URL_LENGTH)
      return `The URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters.`;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return "This is not a URL.";
    }
    try {
      await checkDestination(url, (this.deps.allowPrivate ?? privateUrlsAllowed)());
      return null;
    } catch (error) {
      const e = error as Error & { type?: string; code?: string };
      if (e.type === "unsafe_destination") return `Refused: ${e.message}.`;
      return `${url.hostname} does not resolve (${e.code ?? e.message}).`;
    }
  }

  async register(input: RegisterEndpoint, by: ChangedBy): Promise<RegisterResult> {
    const urlProblem = await this.urlProblem(input.url);
    if (urlProblem) return { type: "invalid", field: "url", message: urlProblem };
    const eventTypes = [...new Set(input.eventTypes)];
    if (eventTypes.length === 0 || eventTypes.some((e) => !WEBHOOK_EVENT_TYPES.includes(e)))
      return { type: "invalid", field: "eventTypes", message: "Choose at least one known event type." };
    const workflowTypes = input.workflowTypes?.length ? [...new Set(input.workflowTypes)] : null;
    const unknown = workflowTypes?.find((t) => !this.deps.registry.list().some((w) => w.type === t));
    if (unknown) return { type: "invalid", field: "workflowTypes", message: `No workflow type ${unknown}.` };
    const endpointId = randomUUID();
    const secret = newWebhookSecret();
    const format = input.format ?? "standard";
    await transaction(this.deps.db, async (tx) => {
      await tx.sql`insert into webhook_endpoints (id, url, description, event_types, workflow_types, secret, format, created_by)
        values (${endpointId}, ${input.url}, ${input.description ?? ""}, ${eventTypes}::text[],
          ${workflowTypes}::text[], ${secret}, ${format}, ${by.actor.label})`;
      await appendAudit(tx, {
        actor: by.actor,
        action: "webhook_endpoint_created",
        request: by.request,
        // Never the secret: the audit history is exported.
        details: { endpointId, url: input.url, eventTypes, workflowTypes, format },
      });
    });
    return { type: "created", endpointId, secret };
  }

  /**
   * Disables or re-enables an endpoint, with a reason. Re-enabling clears the failure count (the
   * webhook_failing alert resolves when it next evaluates) and makes its waiting deliveries due now,
   * in their order; events written while it was disabled were never fanned out to it.
   */
  async setEnabled(
    input: { endpointId: string; enabled: boolean; reason: string },
    by: ChangedBy,
  ): Promise<SetEnabledResult> {
    const problem = reasonProblem(input.reason);
    if (problem) return { type: "invalid", field: "reason", message: problem };
    const reason = input.reason.trim();
    return transaction(this.deps.db, async (tx) => {
      const [row] = await tx.sql<{ enabled: boolean; url: string; failures: number }[]>`
        select enabled, url, consecutive_failures as failures from webhook_endpoints
        where id = ${input.endpointId} for update`;
      if (!row) return { type: "not_found" as const };
      if (row.enabled === input.enabled) return { type: "unchanged" as const };
      if (input.enabled) {
        await tx.sql`update webhook_endpoints set enabled = true, disabled_reason = null,
          consecutive_failures = 0, updated_at = now() where id = ${input.endpointId}`;
        await tx.sql`update webhook_deliveries set next_attempt_at = now()
          where endpoint_id = ${input.endpointId} and status = 'pending' and next_attempt_at > now()`;
      } else {
        await parkDeliveries(tx, input.endpointId);
        await tx.sql`update webhook_endpoints set enabled = false, disabled_reason = ${`Disabled by ${by.actor.label}: ${reason}`.slice(0, 500)},
          updated_at = now() where id = ${input.endpointId}`;
      }
      await appendAudit(tx, {
        actor: by.actor,
        action: input.enabled ? "webhook_endpoint_enabled" : "webhook_endpoint_disabled",
        request: by.request,
        reason,
        details: { endpointId: input.endpointId, url: row.url, consecutiveFailures: row.failures },
      });
      return { type: "changed" as const };
    });
  }

  /**
   * Sends a delivered or dead delivery again: a new delivery of the same event (same webhook-id,
   * so a receiver that has it can tell) to the same endpoint, behind that operation's later events;
   * parked while the endpoint is disabled.
   */
  async redeliver(input: { deliveryId: number; reason: string }, by: ChangedBy): Promise<RedeliverResult> {
    const problem = reasonProblem(input.reason);
    if (problem) return { type: "invalid", field: "reason", message: problem };
    return transaction(this.deps.db, async (tx) => {
      const [d] = await tx.sql<
        {
          outboxId: number;
          endpointId: string;
          operationId: string | null;
          status: string;
          messageId: string;
          type: string;
        }[]
      >`
        select d.outbox_id as "outboxId", d.endpoint_id as "endpointId", d.operation_id as "operationId",
          d.status::text as status, o.message_id as "messageId", o.type
        from webhook_deliveries d join webhook_outbox o on o.id = d.outbox_id where d.id = ${input.deliveryId}`;
      if (!d) return { type: "not_found" as const };
      if (d.status === "pending") return { type: "pending" as const };
      // To a disabled endpoint it is parked like the deliveries already waiting there (due when
      // the endpoint is re-enabled), not left due for a deliverer that skips it. KEY SHARE: a
      // concurrent re-enabling (FOR UPDATE in setEnabled) either comes first, and this is due at
      // once, or waits for this insert and then makes it due with the others.
      const [created] = await tx.sql<{ id: number; parked: boolean }[]>`
        with e as (select id, enabled from webhook_endpoints where id = ${d.endpointId} for key share)
        insert into webhook_deliveries (outbox_id, endpoint_id, operation_id, next_attempt_at)
        select ${d.outboxId}, e.id, ${d.operationId}, case when e.enabled then now() else 'infinity'::timestamptz end
        from e
        returning id, next_attempt_at = 'infinity' as parked`;
      await appendAudit(tx, {
        actor: by.actor,
        action: "webhook_redelivered",
        request: by.request,
        reason: input.reason.trim(),
        // An alert's events are lined up by the alert's id in operation_id: not an operation.
        operationId: d.type.startsWith("operation.") ? d.operationId : null,
        details: {
          endpointId: d.endpointId,
          deliveryId: input.deliveryId,
          newDeliveryId: created!.id,
          messageId: d.messageId,
        },
      });
      return { type: "redelivered" as const, deliveryId: Number(created!.id), parked: created!.parked };
    });
  }
}
