// Cross-field checks of the `validation:` section: what the schema alone cannot say about a held-out split.
import type { KeySegment } from '../key-path.ts';
import type { Plan } from '../plan/types.ts';

/** Reports a problem at a key (check-cross-fields' `fail`). */
type Fail = (path: KeySegment[], message: string, extra?: { expected?: string; found?: string; hint?: string }) => void;

/** Reports the problems of plan.validation through `fail`. */
export function checkValidation(plan: Plan, fail: Fail): void {
  const validation = plan.validation;
  if (validation === null) return;
  const { hold_out: holdOut, anomalies } = validation;
  if (typeof holdOut === 'number' && holdOut >= 1 && !Number.isInteger(holdOut)) {
    fail(['validation', 'hold_out'], `hold_out ${holdOut} is neither a count of videos nor a share of them`, { expected: 'an integer >= 1 (a count) or a number below 1 (a share)', found: String(holdOut) });
  }
  if (anomalies.length[0] > anomalies.length[1]) fail(['validation', 'anomalies', 'length'], 'a [min, max] range with min > max', { found: JSON.stringify(anomalies.length) });
  if (validation.generator === 'objects' && plan.synthetic_anomalies.options.folder === null) {
    fail(['validation', 'generator'], 'the `objects` generator needs `synthetic_anomalies.options.folder`');
  }
  if (anomalies.intervals * anomalies.length[0] > 1) {
    fail(['validation', 'anomalies', 'intervals'], `${anomalies.intervals} stretches of at least ${anomalies.length[0]} of a video do not fit in one video`, { hint: 'fewer intervals or a shorter anomalies.length' });
  }
}
