import { describe, expect, it } from 'vitest';
import { int, OnnxGraph, OnnxType } from './onnx-graph.ts';
import { importOnnxRuntime, loadOnnxRuntime } from './onnxruntime.ts';
import { encodeVarint, ProtoWriter } from './protobuf.ts';
import { onnxInstalled } from './test-onnx.ts';

describe('protobuf writer', () => {
  it('encodes varints as the protobuf spec examples', () => {
    expect([...encodeVarint(1)]).toEqual([0x01]);
    expect([...encodeVarint(150)]).toEqual([0x96, 0x01]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeVarint(2 ** 35)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    // Negative int64: ten bytes of two's complement.
    expect([...encodeVarint(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect([...encodeVarint(-2n)]).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('writes tags, strings, floats and nested messages', () => {
    const inner = new ProtoWriter().varint(1, 150);
    const bytes = new ProtoWriter().string(2, 'hi').float(3, 1).message(4, inner).finish();
    // field 2 wire 2 = 0x12, len 2, 'h' 'i'; field 3 wire 5 = 0x1d, 1.0f LE; field 4 wire 2 = 0x22, len 3, 08 96 01.
    expect([...bytes]).toEqual([0x12, 2, 0x68, 0x69, 0x1d, 0, 0, 0x80, 0x3f, 0x22, 3, 0x08, 0x96, 0x01]);
  });
});

describe('OnnxGraph', () => {
  it.runIf(onnxInstalled)('builds a model onnxruntime runs: int64 inputs, float initializers, negative attributes, dynamic axes', async () => {
    const graph = new OnnxGraph('tiny');
    const x = graph.input('x', OnnxType.float, ['n', 3]);
    const index = graph.input('index', OnnxType.int64, ['m']);
    const gathered = graph.node('Gather', [x, index], { axis: int(0) });
    const shifted = graph.node('Add', [gathered, graph.floats('bias', Float32Array.of(10, 20, 30), [3])]);
    graph.output(graph.node('Softmax', [shifted], { axis: int(-1) }), 'y', OnnxType.float, ['m', 3]);
    graph.output(graph.node('Reshape', [shifted, graph.int64s([-1])]), 'flat', OnnxType.float, ['m*3']);
    const ort = await loadOnnxRuntime();
    const session = await ort.InferenceSession.create(graph.encode({ name: 'test', version: '0' }));
    const out = await session.run({
      x: new ort.Tensor('float32', Float32Array.of(0, 1, 2, 3, 4, 5), [2, 3]),
      index: new ort.Tensor('int64', BigInt64Array.of(1n, 1n, 0n), [3]),
    });
    expect([...(out.flat!.data as Float32Array)]).toEqual([13, 24, 35, 13, 24, 35, 10, 21, 32]);
    const softmax = [...(out.y!.data as Float32Array)].slice(6);
    const z = Math.exp(-22) + Math.exp(-11) + 1;
    expect(softmax[2]).toBeCloseTo(1 / z, 6);
    await session.release();
  });
});

describe('loading onnxruntime', () => {
  it('reports a missing package as ONNX_RUNTIME_UNAVAILABLE (the runtime works without the optional dependency)', async () => {
    await expect(importOnnxRuntime('onnxruntime-node-not-installed')).rejects.toMatchObject({ name: 'OnnxError', code: 'ONNX_RUNTIME_UNAVAILABLE' });
  });
});
