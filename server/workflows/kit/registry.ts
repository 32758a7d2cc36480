import { z } from "zod";
import type { WorkflowDefinition } from "./types";

/**
 * The workflows this build knows, by type and version. New operations start under
 * a type's default (highest) version; running ones keep the version that accepted them.
 */
export class WorkflowRegistry {
  private readonly byType = new Map<string, Map<number, WorkflowDefinition>>();

  constructor(definitions: readonly WorkflowDefinition[]) {
    for (const d of definitions) {
      const versions = this.byType.get(d.type) ?? new Map<number, WorkflowDefinition>();
      if (versions.has(d.version)) throw new Error(`Workflow ${d.type} v${d.version} is registered twice.`);
      versions.set(d.version, d);
      this.byType.set(d.type, versions);
    }
  }

  /** The version new operations of this type start under. */
  latest(type: string): WorkflowDefinition | undefined {
    const versions = this.byType.get(type);
    if (!versions) return undefined;
    return versions.get(Math.max(...versions.keys()));
  }

  get(type: string, version: number): WorkflowDefinition | undefined {
    return this.byType.get(type)?.get(version);
  }

  /** The newest version of every type, for listings and intake. */
  list(): WorkflowDefinition[] {
    return [...this.byType.keys()].sort().map((t) => this.latest(t)!);
  }

  /** Every registered (type, version). */
  all(): WorkflowDefinition[] {
    return [...this.byType.values()].flatMap((v) => [...v.values()]);
  }
}

/** The public description of a workflow, as the API and console list it. */
export function describeWorkflow(d: WorkflowDefinition) {
  return {
    type: d.type,
    version: d.version,
    title: d.title,
    description: d.description,
    completion: d.completion,
    steps: d.steps.map((s) => ({ name: s.name, title: s.title })),
    inputSchema: z.toJSONSchema(d.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
    exampleInput: d.exampleInput as unknown,
  };
}
export type WorkflowDescription = ReturnType<typeof describeWorkflow>;
