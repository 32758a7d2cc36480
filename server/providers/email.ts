import { simEmails } from "@/db/schema";
import { callProvider, type ProviderRuntime } from "./runtime";

/** The email sender: one message per idempotency key, never two. */
export function emailProvider(rt: ProviderRuntime) {
  return {
    send(options: {
      to: string;
      subject: string;
      body: string;
      idempotencyKey: string;
      signal?: AbortSignal;
    }) {
      return callProvider(rt, {
        provider: "email",
        action: "send",
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
        apply: async (tx) => {
          const [row] = await tx
            .insert(simEmails)
            .values({ to: options.to, subject: options.subject, body: options.body })
            .returning({ id: simEmails.id });
          return { messageId: row!.id };
        },
      });
    },
  };
}

export type EmailProvider = ReturnType<typeof emailProvider>;
