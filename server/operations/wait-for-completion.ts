import { isTerminal } from "@/server/domain/statuses";
import type { OperationPresenter, OperationWithSteps } from "@/server/presenters/operation-presenter";

/**
 * For `sync` workflows: waits up to the budget for the operation to finish. Polls
 * with a short, growing interval; the caller answers 200 when done, else 202.
 */
export async function waitForCompletion(options: {
  operations: OperationPresenter;
  id: string;
  budgetMs: number;
}): Promise<OperationWithSteps | null> {
  const deadline = Date.now() + options.budgetMs;
  let interval = 5;
  let op = await options.operations.call(options.id);
  while (op && !isTerminal(op.status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - Date.now()))));
    interval = Math.min(interval * 2, 100);
    op = await options.operations.call(options.id);
  }
  return op;
}
