import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { float, int, ints, OnnxGraph, OnnxType } from './onnx-graph.ts';
import { countOps, quantizeInt8 } from './quantize.ts';

// A graph that takes every path of the ModelProto writer: a symbolic and a fixed dimension, float32 and int64
// initializers, each attribute kind, a node of another operator domain (and so a second opset import), a doc string
// and metadata. Its MatMul and Gemm have constant weights, so the int8 pass reads and rewrites it too.
function tinyGraph(): Uint8Array {
  const graph = new OnnxGraph('tiny');
  const x = graph.input('x', OnnxType.float, ['batch', 4]);
  const weight = graph.floats('weight', Float32Array.of(0.5, -1, 0.25, 2, -0.75, 1.5, 0.125, -2), [4, 2]);
  const product = graph.node('MatMul', [x, weight]);
  const gemmWeight = graph.floats('gemm_weight', Float32Array.of(1, -0.5, 0.25, 0.75), [2, 2]);
  const gemm = graph.node('Gemm', [product, gemmWeight, graph.scalar('bias', 0.1)], { transB: int(1), alpha: float(1) });
  const shaped = graph.node('Reshape', [gemm, graph.int64s([-1, 2])]);
  const reduced = graph.node('ReduceMean', [shaped], { axes: ints([1]), keepdims: int(0) });
  const fused = graph.nodeIn('com.microsoft', 'FastGelu', [reduced]);
  graph.output(fused, 'score', OnnxType.float, ['batch']);
  return graph.encode({ name: 'vadc', version: '0.1.0' }, 'tiny graph', { recipe: 'tiny', patch: '8' });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// Digests recorded from the writer and the int8 pass as they were before their field numbers were named in
// onnx-fields.ts: a change to either that alters a single byte fails here. A change meant to alter the encoding
// records new digests and says why in its commit.
describe('ONNX encoding', () => {
  it('writes the same ModelProto bytes as before', () => {
    expect(sha256(tinyGraph())).toBe('c5d7e2920f597d59f1e916d060819d9566d4be967acbf97f26afa6d2fa8e4064');
  });

  it('the int8 pass reads the graph back and writes the same bytes as before', () => {
    const { bytes, summary } = quantizeInt8(tinyGraph());
    expect(summary.quantized).toEqual(['MatMul/node', 'Gemm/node']);
    expect(countOps(bytes).get('MatMulInteger')).toBe(2);
    expect(sha256(bytes)).toBe('843daa565130b5fa56eaed8b2fae1f16e0fc5135a8ab416c329bf6ab75f94c54');
  });
});
