import { describe, expect, it } from 'vitest';
import { chooseFrames, trainingCurvesFromLog } from './report-inputs.ts';

describe('trainingCurvesFromLog', () => {
  it('groups loss keys by stage and skips other keys and malformed records', () => {
    const curves = trainingCurvesFromLog([
      { stage: 'pretrain', step: 0, loss: 1, lr: 0.001 },
      { stage: 'pretrain', step: 10, loss: 0.5, 'loss.anomaly_map': 0.2 },
      { stage: 'distill', step: 0, loss: 0.9 },
      { step: 5, loss: 3 },
      { stage: 'pretrain', step: 'x', loss: 3 },
      { stage: 'pretrain', step: 20, loss: 'nan' },
    ]);
    expect(curves).toEqual([
      { stage: 'pretrain', name: 'loss', steps: [0, 10], values: [1, 0.5] },
      { stage: 'pretrain', name: 'loss.anomaly_map', steps: [10], values: [0.2] },
      { stage: 'distill', name: 'loss', steps: [0], values: [0.9] },
    ]);
  });

  it('plots whatever keys the caller asks for', () => {
    const curves = trainingCurvesFromLog([{ stage: 's', step: 1, loss: 1, lr: 0.1 }], (key) => key === 'lr');
    expect(curves).toEqual([{ stage: 's', name: 'lr', steps: [1], values: [0.1] }]);
  });
});

describe('chooseFrames', () => {
  it('takes each video\'s top frame, preferring abnormal frames, highest videos first', () => {
    const frames = chooseFrames(
      [
        { name: 'a', scores: [0.1, 0.9, 0.4, 0.5], labels: [0, 0, 1, 1] },
        { name: 'b', scores: [0.2, 0.7, Number.NaN] },
        { name: 'c', scores: [0.3, 0.6] },
        { name: 'empty', scores: [] },
      ],
      2,
    );
    expect(frames).toEqual([
      { video: 'b', frame: 1, score: 0.7 },
      { video: 'c', frame: 1, score: 0.6 },
    ]);
    expect(chooseFrames([{ name: 'a', scores: [0.1, 0.9, 0.4, 0.5], labels: [0, 0, 1, 1] }], 5)).toEqual([{ video: 'a', frame: 3, score: 0.5 }]);
  });
});
