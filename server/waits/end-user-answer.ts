import type { SqlQueryable } from "@/db/transaction";

/**
 * The latest answer to a step's end-user form (server/waits/end-user-action.ts writes it as a
 * completed `end_user_action` wait row in the transaction that resumes the step), for the
 * step's next run (`ctx.endUserAnswer`). Read only for steps that declare `endUserAction`.
 */
export async function latestEndUserAnswer(
  sql: SqlQueryable,
  operationId: string,
  step: string,
): Promise<Record<string, string> | undefined> {
  const [row] = await sql<{ payload: Record<string, string> | null }[]>`
    select payload from waits
    where operation_id = ${operationId} and step = ${step} and kind = 'end_user_action' and state = 'completed'
    order by created_at desc limit 1`;
  return row?.payload ?? undefined;
}
