import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { type WorkflowStory, workflowStory } from "./story";
import type { WorkflowSummary, WorkflowsPresenter } from "./workflows-presenter";

/** One workflow type's page: its summary and the execution story of each registered version. */
export class WorkflowStoryPresenter {
  constructor(
    private readonly summaries: WorkflowsPresenter,
    private readonly registry: WorkflowRegistry,
  ) {}

  /** Newest version first; null when the type is not registered. */
  async call(type: string): Promise<{ summary: WorkflowSummary; stories: WorkflowStory[] } | null> {
    const summary = (await this.summaries.call()).find((w) => w.type === type);
    if (!summary) return null;
    const stories = this.registry
      .all()
      .filter((d) => d.type === type)
      .sort((a, b) => b.version - a.version)
      .map(workflowStory);
    return { summary, stories };
  }
}
