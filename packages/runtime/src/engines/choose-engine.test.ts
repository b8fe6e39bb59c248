import { describe, expect, it } from 'vitest';
import { chooseEngine, describeEngine, onnxRuntimeProblem, tfjsGpuProblem } from './choose-engine.ts';
import { onnxRuntimeAvailable } from '../onnx/onnxruntime.ts';

const gpu = { tfjsGpu: async () => null, onnx: async () => null };
const noGpu = (onnx: string | null) => ({ tfjsGpu: async () => '@tensorflow/tfjs-node-gpu is not installed', onnx: async () => onnx });

describe('chooseEngine', () => {
  it('auto ranks TF.js on a GPU first, then onnxruntime, then TF.js on the CPU, and says why each other route was passed over', async () => {
    expect(await chooseEngine('auto', 'recipe', 'auto', gpu)).toEqual({
      requested: 'auto', source: 'recipe', engine: 'tfjs', reason: 'auto: TF.js on the GPU (@tensorflow/tfjs-node-gpu)',
      skipped: [{ route: 'onnx', reason: 'a GPU is present: TF.js on the GPU is ranked first (onnxruntime-node runs on the CPU here)' }],
    });
    const onnx = await chooseEngine('auto', 'recipe', 'auto', noGpu(null));
    expect(onnx.engine).toBe('onnx');
    expect(onnx.skipped.map((entry) => entry.route)).toEqual(['tfjs-gpu', 'tfjs-cpu']);
    const cpu = await chooseEngine('auto', '--engine', 'auto', noGpu('onnxruntime-node is not installed'));
    expect(cpu).toMatchObject({ engine: 'tfjs', source: '--engine' });
    expect(describeEngine(cpu)).toBe('tfjs (auto: TF.js on the CPU (the TF.js backend is chosen by runtime.backend)); not used: tfjs-gpu: @tensorflow/tfjs-node-gpu is not installed; onnx: onnxruntime-node is not installed');
  });

  it('the GPU route is only considered when the TF.js backend may be the GPU one; named engines are kept without probing', async () => {
    const wasm = await chooseEngine('auto', 'recipe', 'wasm', { tfjsGpu: async () => { throw new Error('not probed'); }, onnx: async () => null });
    expect(wasm.skipped[0]).toEqual({ route: 'tfjs-gpu', reason: 'runtime.backend is wasm, not auto or tensorflow-gpu' });
    const probes = { tfjsGpu: async () => { throw new Error('not probed'); }, onnx: async () => { throw new Error('not probed'); } };
    expect(await chooseEngine('tfjs', 'recipe', 'auto', probes)).toEqual({ requested: 'tfjs', source: 'recipe', engine: 'tfjs', reason: 'the recipe sets runtime.engine: tfjs', skipped: [] });
    expect((await chooseEngine('onnx', '--engine', 'auto', probes)).reason).toBe('--engine onnx');
  });

  it('the real probes: onnxruntime-node as installed here; tfjs-node-gpu is not a dependency', async () => {
    expect((await onnxRuntimeProblem()) === null).toBe(await onnxRuntimeAvailable());
    expect(await tfjsGpuProblem()).toMatch(/@tensorflow\/tfjs-node-gpu/);
  });
});
