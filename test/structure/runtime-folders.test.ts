// No runtime folder imports a folder that imports it back (runtime-folders.ts; issue 25: train <-> onnx, backend <-> onnx).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.ts';
import { runtimeFolderLoops } from './runtime-folders.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runtime = (path: string): string => `packages/runtime/src/${path}`;

describe('runtime folder loops', () => {
  it('no two runtime folders import each other', () => {
    expect(runtimeFolderLoops(importGraph(root))).toEqual([]);
  });

  it('names the folder loops fed to it (the loops this layering removed)', () => {
    const files = new Map([
      // The training driver reaching into the ONNX engine, and the ONNX engine using training's pieces.
      [runtime('train/train-stage.ts'), [runtime('onnx/onnx-training.ts'), runtime('engine/engine.ts'), runtime('train/step.ts')]],
      [runtime('onnx/onnx-training.ts'), [runtime('train/step.ts'), runtime('backend/host-values.ts')]],
      // TF.js backends asking the ONNX loader.
      [runtime('backend/choose-engine.ts'), [runtime('onnx/onnxruntime.ts')]],
      [runtime('test-plan.ts'), [runtime('score/score-video.ts')]],
    ]);
    expect(runtimeFolderLoops(files)).toEqual(['backend -> onnx -> backend', 'onnx -> train -> onnx']);
  });
});
