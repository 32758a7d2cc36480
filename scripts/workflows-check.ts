/**
 * `npm run workflows:check` (also part of `npm test`): fails when a registered workflow,
 * any version, lacks part of its execution story — see server/workflows/kit/check.ts.
 */

import { answerHelp } from "@/scripts/lib/usage";
import { WORKFLOWS } from "@/server/workflows";
import { checkWorkflow } from "@/server/workflows/kit/check";

answerHelp(`usage: npm run workflows:check
  Fails (exit 1) when a registered workflow, any version, lacks part of its execution story
  (docs/workflows.md).`);

const problems = WORKFLOWS.flatMap(checkWorkflow);
if (problems.length > 0) {
  console.error(`workflows:check found ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p.workflow}${p.step ? ` › ${p.step}` : ""}: ${p.problem}`);
  console.error("See docs/workflows.md for what each part means.");
  process.exit(1);
}
const steps = WORKFLOWS.reduce((n, w) => n + w.steps.length, 0);
console.log(
  `workflows:check: ${WORKFLOWS.length} workflow version(s), ${steps} steps, every execution story complete.`,
);
