import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { tfjsEngine } from '../engines/tfjs-engine.ts';
import { inferBatch } from '../model/inference.ts';
import { tinyPlan } from '../test-plan.ts';
import { asTestBatch, repeatBatches, squaresBatch } from './fixtures.ts';
import { assignWeights, loadCheckpoint, modelWeights, saveCheckpoint } from './state.ts';
import { train, trainStage, TrainingError, type StepReport } from './train-stage.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const directory = mkdtempSync(join(tmpdir(), 'vadc-train-'));

async function snapshot(model: MaskedAutoencoder, filter: (name: string) => boolean = () => true): Promise<Map<string, Float32Array>> {
  return new Map((await modelWeights(model)).filter((w) => filter(w.name)).map((w) => [w.name, w.data]));
}

describe('trainStage', () => {
  it('lowers the teacher loss over 30 steps on a fixed batch', async () => {
    const teacher = tinyPlan().stages[0]!;
    const plan = tinyPlan({ stages: [{ ...teacher, epochs: 30, optimizer: { ...teacher.optimizer, lr: 3e-3 } }] });
    const model = createModel(plan);
    const losses: number[] = [];
    await trainStage({ plan, model, stageIndex: 0, batches: repeatBatches([squaresBatch(plan, 4, 1, 2)]), checkpointPath: null, onStep: (r) => losses.push(r.loss) });
    const first = (losses[0]! + losses[1]!) / 2;
    const last = (losses[28]! + losses[29]!) / 2;
    expect(last).toBeLessThan(first * 0.6);
    model.params.dispose();
  });

  it('trains only the student in the student stage, and lowers its loss', async () => {
    const base = tinyPlan();
    const plan = tinyPlan({ stages: [base.stages[0]!, { ...base.stages[1]!, epochs: 30 }] });
    const model = createModel(plan);
    const batches = repeatBatches([squaresBatch(plan, 4, 2)]);
    await trainStage({ plan, model, stageIndex: 0, batches, checkpointPath: null });
    const isStudent = (name: string) => name.startsWith('student.');
    const frozen = (name: string) => !isStudent(name) && !name.includes('running_');
    const before = await snapshot(model);
    const losses: number[] = [];
    await trainStage({ plan, model, stageIndex: 1, batches, checkpointPath: null, onStep: (r) => losses.push(r.loss) });
    const after = await snapshot(model);
    for (const [name, values] of before) {
      if (frozen(name)) expect(after.get(name), name).toEqual(values);
    }
    const moved = [...before].filter(([name, values]) => isStudent(name) && !name.includes('running_') && after.get(name)!.some((v, i) => v !== values[i]));
    expect(moved.length).toBeGreaterThan(20);
    expect(losses[29]!).toBeLessThan(losses[0]! * 0.6);
    model.params.dispose();
  });

  it('gives the same loss sequence for the same seed, and keeps the tensor count flat', async () => {
    const stage = { ...tinyPlan().stages[0]!, micro_batch: 2, clip_grad: 1 };
    const run = async (epochs: number) => {
      const plan = tinyPlan({ model: { dropout: 0.1 }, stages: [{ ...stage, epochs }] });
      const model = createModel(plan);
      const losses: number[] = [];
      const counts: number[] = [];
      await trainStage({
        plan, model, stageIndex: 0, batches: repeatBatches([squaresBatch(plan, 4, 3, 2)]), checkpointPath: null,
        onStep: (r) => { losses.push(r.loss); counts.push(tf.memory().numTensors); },
      });
      model.params.dispose();
      return { losses, counts };
    };
    const first = await run(20);
    const second = await run(8);
    expect(second.losses).toEqual(first.losses.slice(0, 8));
    expect(first.counts[19]).toBe(first.counts[1]);
  });

  it('stops on a non-finite loss naming the stage, step and last checkpoint', async () => {
    const plan = tinyPlan({ stages: [{ ...tinyPlan().stages[0]!, epochs: 3 }] });
    const model = createModel(plan);
    const good = squaresBatch(plan, 2, 4);
    const bad = { ...squaresBatch(plan, 2, 4), target: new Float32Array(2 * 32 * 32 * 3).fill(NaN) };
    const path = join(directory, 'nan.vadc');
    const batches = (epoch: number) => repeatBatches([epoch === 0 ? good : bad])(epoch);
    const error = await trainStage({ plan, model, stageIndex: 0, batches, checkpointPath: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect(error).toMatchObject({ code: 'NON_FINITE_LOSS', stage: 'teacher', step: 2, lastCheckpoint: path });
    model.params.dispose();
  });
});

describe('checkpoints', () => {
  it('save + load gives identical outputs', async () => {
    const plan = tinyPlan();
    const model = createModel(plan);
    await trainStage({ plan, model, stageIndex: 0, batches: repeatBatches([squaresBatch(plan, 2, 5)]), checkpointPath: null });
    const path = join(directory, 'weights.vadc');
    await saveCheckpoint(path, model);
    const copy = createModel(plan, { seed: 99 });
    assignWeights(copy, (await loadCheckpoint(path)).weights);
    const batch = asTestBatch(squaresBatch(plan, 2, 6));
    const a = inferBatch(model, batch);
    const b = inferBatch(copy, batch);
    expect(b.teacherError.l2).toEqual(a.teacherError.l2);
    expect(b.discrepancy.l2).toEqual(a.discrepancy.l2);
    model.params.dispose();
    copy.params.dispose();
  });

  it('resume after an interruption gives the same weights as an uninterrupted run', async () => {
    const base = tinyPlan({ model: { dropout: 0.1 } });
    const plan = tinyPlan({ model: { dropout: 0.1 }, stages: [{ ...base.stages[0]!, epochs: 2 }, { ...base.stages[1]!, epochs: 2 }] });
    const data = [squaresBatch(plan, 4, 7, 2), squaresBatch(plan, 4, 8)];
    const batches = (_stage: number, epoch: number) => repeatBatches([data[epoch % 2]!])(epoch);

    const straight = createModel(plan);
    await train({ engine: tfjsEngine, plan, model: straight, batches, checkpointPath: join(directory, 'straight.vadc'), resume: false });

    // Interrupted after the first epoch of the student stage: a run that stops by throwing from the data.
    const path = join(directory, 'resumed.vadc');
    const interrupted = createModel(plan);
    let studentEpochs = 0;
    const stopping = (stage: number, epoch: number) => {
      if (stage === 1 && epoch === 1) throw new Error('interrupted');
      if (stage === 1) studentEpochs++;
      return batches(stage, epoch);
    };
    await expect(train({ engine: tfjsEngine, plan, model: interrupted, batches: stopping, checkpointPath: path, resume: false })).rejects.toThrow('interrupted');
    expect(studentEpochs).toBe(1);
    interrupted.params.dispose();

    const resumed = createModel(plan, { seed: 1234 });
    const steps: StepReport[] = [];
    await train({ engine: tfjsEngine, plan, model: resumed, batches, checkpointPath: path, resume: true, onStep: (r) => steps.push(r) });
    expect(steps.map((s) => [s.stageIndex, s.epoch, s.step])).toEqual([[1, 1, 2]]);
    const expected = await snapshot(straight);
    const actual = await snapshot(resumed);
    for (const [name, values] of expected) expect(actual.get(name), name).toEqual(values);
    straight.params.dispose();
    resumed.params.dispose();
  });
});
