// The files `vadc score` writes for one scored video file or frame folder, as text by file name: the raw score
// components, the per-frame decisions and the events. A local score writes them; a queued score's worker returns
// them in its job result and the coordinator writes them, so both give the same bytes.
import type { Plan } from '@vadc/dsl';
import { decisionsCsv, eventsCsv, eventsJson } from './events-output.ts';
import { describeDecisionSmoothing, type ScoredInput } from './score-input.ts';
import { scoresCsv } from './scores-csv.ts';

/** scores.csv, decisions.csv, events.json and events.csv of one scored input (`fps`: for event times in seconds; null: times in frames only). */
export function scoredInputFiles(name: string, scored: ScoredInput, plan: Plan, fps: number | null): Record<string, string> {
  return {
    'scores.csv': scoresCsv([scored.scores], plan),
    'decisions.csv': decisionsCsv(scored),
    'events.json': `${JSON.stringify(eventsJson(name, scored, fps, describeDecisionSmoothing(plan)), null, 2)}\n`,
    'events.csv': eventsCsv(name, scored, fps),
  };
}
