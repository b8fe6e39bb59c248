// The official checkpoint's tensors mapped onto vadc's model: sizes read from the shapes, and every tensor that does
// not fit a model of other sizes named key by key (the committed fixture of bench/pytorch/parity-fixtures.py).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.ts';
import { createModel } from '../model/autoencoder.ts';
import { tinyPlan } from '../test-plan.ts';
import { mergeOfficialStateDicts, officialModelShape, officialWeights, readOfficialCheckpoint } from './official-checkpoint.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../test/fixtures/aed-mae/small');
const read = (name: string) => readOfficialCheckpoint(new Uint8Array(readFileSync(resolve(FIXTURES, name))), name);

describe('official aed-mae checkpoints', () => {
  beforeAll(async () => {
    await selectBackend('cpu', { threads: 1 });
  });

  it('reads the sizes from the tensors and input size, masking and error kind from args', () => {
    const teacher = read('checkpoint-best.pth');
    expect(teacher.epoch).toBe(41);
    expect(teacher.args.get('abnormal_score_func')).toEqual(['L2', 'L2']);
    const { values } = officialModelShape(teacher.stateDict, teacher.args, 'checkpoint-best.pth');
    expect(Object.fromEntries(values)).toMatchObject({
      'model.patch': 4, 'model.encoder.dim': 16, 'model.encoder.depth': 2, 'model.encoder.mlp_ratio': 2, 'model.decoder.dim': 8,
      'model.decoder.depth': 2, 'model.outputs.anomaly_map': 1, 'data.size': [16, 32], 'masking.ratio': 0.5, 'masking.strategy': 'random',
      'scoring.errors.teacher': 'l2',
    });
  });

  it('takes the student keys from the student checkpoint, the rest from the teacher checkpoint (main.py inference)', () => {
    const teacher = read('checkpoint-best.pth');
    const student = read('checkpoint-best-student.pth');
    const merged = mergeOfficialStateDicts(teacher, student);
    expect(merged.get('decoder_student_block.norm1.weight')).toBe(student.stateDict.get('decoder_student_block.norm1.weight'));
    expect(merged.get('decoder_blocks.0.norm1.weight')).toBe(teacher.stateDict.get('decoder_blocks.0.norm1.weight'));
  });

  it('names every tensor that does not fit a model of other sizes, key by key', () => {
    const teacher = read('checkpoint-best.pth');
    const plan = tinyPlan({ data: { size: [16, 32] }, model: { patch: 4, encoder: { dim: 24, depth: 2, heads: 2 }, decoder: { dim: 8, depth: 3, heads: 2 }, outputs: { classifier: true } } });
    const model = createModel(plan);
    try {
      let message = '';
      try {
        officialWeights(teacher.stateDict, model, 'checkpoint-best.pth');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^checkpoint-best\.pth does not fit the recipe's model, key by key:/);
      expect(message).toContain('patch_embed.proj.weight: the checkpoint\'s is 16x9x4x4, the recipe\'s model needs 24x9x4x4 (encoder.patch_embed.proj.weight)');
      expect(message).toContain('blocks.0.attn.proj_q.weight: the checkpoint\'s is 16x16, the recipe\'s model needs 24x24 (encoder.blocks.0.attn.proj_q.weight)');
      expect(message).toContain('decoder_blocks.2.norm1.weight: missing from the checkpoint');
      expect(message).toContain('classifier.head.weight: the official model has no such weight');
    } finally {
      model.params.dispose();
    }
  });
});
