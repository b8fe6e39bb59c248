import { describe, expect, it } from 'vitest';
import { validationSection } from './sections-validation.ts';

describe('the validation curve', () => {
  it('plots every validated epoch with its numbers and marks the kept one', () => {
    const html = validationSection({
      metric: 'micro_auc', selection: 'best', note: 'Validation split: 1 held-out video.',
      points: [
        { label: 'teacher 1', epoch: 1, micro_auc: 0.61, macro_auc: 0.7, pixel_auc: 0.8, selected: false },
        { label: 'teacher 2', epoch: 2, micro_auc: 0.75, macro_auc: 0.72, pixel_auc: null, selected: true },
      ],
    });
    expect(html).toContain('data-plot="validation-curve"');
    expect(html).toContain('data-validation="micro_auc" data-epoch="2">0.7500<');
    expect(html).toContain('data-validation="pixel_auc" data-epoch="2">n/a<');
    expect(html).toContain('(kept: teacher 2)');
    expect(validationSection(undefined)).toContain('Not available');
  });
});
