/**
 * `npm run histories:accept`: reads every stored history again with today's code and writes
 * what it reads as the new `expected`, keeping the recorded rows and events as they are. For a
 * deliberate change of how old operations are read (new product words, a new stage state):
 * run it, then review the diff of test/fixtures/histories/ — every changed line is an
 * operation in flight that will now look different. `npm run histories:record` instead runs
 * the scenarios again from scratch (new ids and times).
 */

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { answerHelp } from "@/scripts/lib/usage";
import { type HistoryFixture, readHistory } from "./read";
import { HISTORIES_DIR, historyRegistry } from "./record";

answerHelp(`usage: npm run histories:accept
  Re-reads every stored history in test/fixtures/histories/ with today's code and writes what
  it reads as the new "expected"; review the diff afterwards.`);

const registry = historyRegistry();
let changed = 0;
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith(".json"));
for (const file of files) {
  const full = path.join(HISTORIES_DIR, file);
  const fixture = JSON.parse(readFileSync(full, "utf8")) as HistoryFixture;
  const expected = JSON.parse(JSON.stringify(readHistory(fixture, registry)));
  if (JSON.stringify(expected) === JSON.stringify(fixture.expected)) continue;
  writeFileSync(full, `${JSON.stringify({ ...fixture, expected }, null, 2)}\n`);
  changed++;
  console.log(`re-read ${file}`);
}
console.log(`${changed} of ${files.length} stored histories now read differently; review the diff.`);
