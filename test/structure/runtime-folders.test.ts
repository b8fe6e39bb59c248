// @vadc/runtime's engine floors and folder loops (runtime-folders.ts): the model, the Engine seam, the engines, the
// drivers; no runtime folder imports a folder that imports it back (issue 25: train <-> onnx, backend <-> onnx).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.ts';
import { runtimeFloorViolations, runtimeFolderLoops } from './runtime-folders.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runtime = (path: string): string => `packages/runtime/src/${path}`;

describe('runtime floors', () => {
  it('no model, engine, training or scoring file imports a floor above its own', () => {
    const violations = runtimeFloorViolations(importGraph(root));
    expect(violations, `upward imports:\n${violations.join('\n')}`).toEqual([]);
  });

  it('no two runtime folders import each other', () => {
    expect(runtimeFolderLoops(importGraph(root))).toEqual([]);
  });

  it('names an upward import and a folder loop fed to it (the loops this layering removed)', () => {
    const files = new Map([
      // The training driver reaching into the ONNX engine, and the ONNX engine using training's pieces.
      [runtime('train/train-stage.ts'), [runtime('onnx/onnx-training.ts'), runtime('engine/engine.ts'), runtime('train/step.ts')]],
      [runtime('onnx/onnx-training.ts'), [runtime('train/step.ts'), runtime('backend/host-values.ts')]],
      // TF.js backends asking the ONNX loader.
      [runtime('backend/choose-engine.ts'), [runtime('onnx/onnxruntime.ts')]],
      // The seam importing an engine, and a file on no floor (not constrained by the floors).
      [runtime('engine/engine.ts'), [runtime('engines/create-engine.ts')]],
      [runtime('data/video.ts'), [runtime('score/score-video.ts')]],
      [runtime('test-plan.ts'), [runtime('score/score-video.ts')]],
    ]);
    expect(runtimeFloorViolations(files)).toEqual([
      'packages/runtime/src/train/train-stage.ts -> packages/runtime/src/onnx/onnx-training.ts (imports upwards: train/ is below onnx/)',
      'packages/runtime/src/backend/choose-engine.ts -> packages/runtime/src/onnx/onnxruntime.ts (imports upwards: backend/ is below onnx/)',
      'packages/runtime/src/engine/engine.ts -> packages/runtime/src/engines/create-engine.ts (imports upwards: engine/ is below engines/)',
    ]);
    expect(runtimeFolderLoops(files)).toEqual(['backend -> onnx -> backend', 'onnx -> train -> onnx']);
  });
});
