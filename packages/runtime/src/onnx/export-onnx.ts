// The whole model (model/autoencoder.ts `forward`, evaluation mode, student included) as one ONNX graph.
//   inputs   patches [B, L, p*p*C] float32
//            keep_index [B*K] int64     flat index b*L + l of each kept token (TokenMask.keepIndex)
//            restore_index [B*L] int64  where token (b, l) is in [kept B*K ; mask tokens] (TokenMask.restoreIndex)
//   outputs  teacher, student [B, L, p*p*F | p*p*A] float32, planar as the TF.js heads (+ classifier_logit [B] when
//            the model has the head)
// The mask arrives as inputs, so ONNX and TF.js run on exactly the same mask; K is fixed by the masking ratio at
// export time (the encoder's depthwise convs need its grid rows x K/rows). The batch axis is symbolic unless a
// batch is given. The default file uses standard opset-17 ops only; `fusedAttention` and `scoring` (frames in,
// per-patch scores out) make the faster graph the onnxruntime engine runs.
import type { Plan } from '@vadc/dsl';
import type { Head, MaskedAutoencoder } from '../model/autoencoder.ts';
import { createTokenMask } from '../model/masking.ts';
import { Random } from '../random.ts';
import { block, flatten, layerNorm, linear, linear2d, sliceTokens, unflatten, values, type GraphStyle } from './onnx-layers.ts';
import { int, ints, OnnxGraph, OnnxType, type OnnxDimension } from './onnx-graph.ts';
import { OnnxError } from './onnx-error.ts';
import { framesInput, scoreOutputs } from './scoring-graph.ts';

/** Options of exportOnnx. */
export interface OnnxExportOptions {
  /** Share of tokens hidden from the encoder; fixes K (default: the model's masking ratio, as scoring uses). */
  ratio?: number;
  /** A fixed batch size; default: a symbolic `batch` axis (any batch runs). */
  batch?: number;
  /**
   * Attention as onnxruntime's fused com.microsoft.MultiHeadAttention (faster; the file then needs onnxruntime)
   * instead of standard MatMul / Softmax nodes (default false: a graph any ONNX runtime runs).
   */
  fusedAttention?: boolean;
  /**
   * The scoring graph: input `frames` [B, H, W, C] (cut into patches in the graph) instead of `patches`, and the
   * per-patch summaries of inferBatch as extra outputs [B, L] (see scoring-graph.ts). Default false.
   */
  scoring?: boolean;
}

/** The encoder's token grid for a masking ratio: K = rows * cols kept tokens of L (as createTokenMask draws them). */
export interface OnnxTokenGrid {
  tokens: number;
  keep: number;
  rows: number;
  cols: number;
}

/** The kept-token grid createTokenMask gives at `ratio` (asked of createTokenMask itself, so the two never differ). */
export function onnxTokenGrid(model: Pick<MaskedAutoencoder, 'grid'>, ratio: number): OnnxTokenGrid {
  const tokens = model.grid.rows * model.grid.cols;
  const identity = { order: () => Array.from({ length: tokens }, (_, index) => index) };
  const mask = createTokenMask(identity, { grid: model.grid, batch: 1, motion: null, random: new Random(0) }, ratio);
  return { tokens, keep: mask.keep, rows: mask.rows, cols: mask.cols };
}

/** The graph's input and output names. */
export const ONNX_NAMES = {
  patches: 'patches',
  keepIndex: 'keep_index',
  restoreIndex: 'restore_index',
  teacher: 'teacher',
  student: 'student',
  classifierLogit: 'classifier_logit',
} as const;

// Head weights as one Gemm, as the TF.js head joins them: [D, p*p*F | p*p*A] (planar: frame values, then anomaly).
function headWeights(head: Head): { weight: Float32Array; bias: Float32Array; dim: number } {
  const dim = head.frame.weight.shape[0] as number;
  const layers = head.anomaly === null ? [head.frame] : [head.frame, head.anomaly];
  const widths = layers.map((layer) => layer.weight.shape[1] as number);
  const columns = widths.reduce((a, b) => a + b, 0);
  const weight = new Float32Array(dim * columns);
  const bias = new Float32Array(columns);
  let offset = 0;
  layers.forEach((layer, index) => {
    const width = widths[index] ?? 0;
    const source = values(layer.weight);
    for (let row = 0; row < dim; row++) weight.set(source.subarray(row * width, (row + 1) * width), row * columns + offset);
    if (layer.bias !== null) bias.set(values(layer.bias), offset);
    offset += width;
  });
  return { weight, bias, dim };
}

// x [B, 1 + L, D] -> normalised grid tokens [B, L, D] and the prediction [B, L, V].
function applyHead(graph: OnnxGraph, model: MaskedAutoencoder, head: Head, x: string, scope: string): { normed: string; prediction: string } {
  const tokens = model.grid.rows * model.grid.cols;
  const normed = layerNorm(graph, head.norm, sliceTokens(graph, x, 1, 1 + tokens, `${scope}/grid_tokens`), `${scope}.norm`);
  const { weight, bias, dim } = headWeights(head);
  const inputs = [flatten(graph, normed, dim, scope), graph.floats(`${scope}.pred.weight`, weight, [dim, model.patchValues]), graph.floats(`${scope}.pred.bias`, bias, [model.patchValues])];
  return { normed, prediction: unflatten(graph, graph.node('Gemm', inputs, {}, `${scope}/pred`), tokens, model.patchValues, scope) };
}

/**
 * Writes `model` (its current weights and BatchNorm running statistics) as an ONNX ModelProto (opset 17) that
 * computes `forward(model, patches, mask, evaluation, true)`. Throws OnnxError ONNX_UNSUPPORTED when the model
 * holds a layer without an ONNX mapping, or when `plan` does not describe this model.
 */
export function exportOnnx(model: MaskedAutoencoder, plan: Plan, options: OnnxExportOptions = {}): Uint8Array {
  const [height, width] = plan.data.size;
  if (height !== model.grid.rows * model.grid.patch || width !== model.grid.cols * model.grid.patch) {
    throw new OnnxError('ONNX_UNSUPPORTED', `the plan's frame size ${height}x${width} is not the model's`);
  }
  const ratio = options.ratio ?? model.masking.ratio;
  const { tokens, keep, rows, cols } = onnxTokenGrid(model, ratio);
  const batch: OnnxDimension = options.batch ?? 'batch';
  const perBatch = (count: number): OnnxDimension => (typeof batch === 'number' ? batch * count : `batch*${count}`);
  const graph = new OnnxGraph('vadc_masked_autoencoder');
  const style: GraphStyle = { fusedAttention: options.fusedAttention ?? false };
  const patchInput = model.grid.patch ** 2 * model.inputChannels;
  const patches = options.scoring === true ? framesInput(graph, model, batch) : graph.input(ONNX_NAMES.patches, OnnxType.float, [batch, tokens, patchInput]);
  const keepIndex = graph.input(ONNX_NAMES.keepIndex, OnnxType.int64, [perBatch(keep)]);
  const restoreIndex = graph.input(ONNX_NAMES.restoreIndex, OnnxType.int64, [perBatch(tokens)]);

  // Encoder: keep K patches per frame, embed them, prepend cls. TF.js embeds all L patches and then keeps K; the
  // embedding (linear + LayerNorm) is per token, so gathering first gives the same numbers for half the work.
  const { encoder, decoder } = model;
  const encoderDim = encoder.cls.shape[1] as number;
  const keptPatches = graph.node('Gather', [flatten(graph, patches, patchInput, 'encoder/patches'), keepIndex], { axis: int(0) }, 'encoder/kept_patches'); // [B*K, p*p*C]
  const embedded = layerNorm(graph, encoder.embedNorm, linear2d(graph, encoder.embed, keptPatches, 'encoder.patch_embed.proj'), 'encoder.patch_embed.norm'); // [B*K, De]
  const keptTokens = unflatten(graph, embedded, keep, encoderDim, 'encoder/kept'); // [B, K, De]
  const batchSize = graph.node('Shape', [patches], { start: int(0), end: int(1) }, 'batch_size'); // [1]
  const clsShape = graph.node('Concat', [batchSize, graph.int64s([1, encoderDim])], { axis: int(0) }, 'encoder/cls_shape');
  const cls = graph.node('Expand', [graph.floats('encoder.cls_token', values(encoder.cls), [1, 1, encoderDim]), clsShape], {}, 'encoder/cls');
  let x = graph.node('Concat', [cls, keptTokens], { axis: int(1) }, 'encoder/tokens'); // [B, 1 + K, De]
  for (const [index, layer] of encoder.blocks.entries()) x = block(graph, layer, x, rows, cols, `encoder.blocks.${index}`, style);
  const latent = layerNorm(graph, encoder.norm, x, 'encoder.norm');

  // Decoder input: cls + kept tokens with mask tokens put back in image order. Every restore index >= B*K names a
  // mask token; clamping them to B*K lets one mask-token row stand for all of them.
  const decoderDim = decoder.maskToken.shape[1] as number;
  const decoded = linear(graph, decoder.embed, latent, 1 + keep, 'decoder.embed'); // [B, 1 + K, Dd]
  const pool = graph.node('Reshape', [sliceTokens(graph, decoded, 1, 1 + keep, 'decoder/kept'), graph.int64s([-1, decoderDim])], {}, 'decoder/pool'); // [B*K, Dd]
  const withMaskToken = graph.node('Concat', [pool, graph.floats('decoder.mask_token', values(decoder.maskToken), [1, decoderDim])], { axis: int(0) }, 'decoder/pool_and_mask');
  const clamped = graph.node('Min', [restoreIndex, graph.node('Shape', [pool], { start: int(0), end: int(1) }, 'decoder/pool_size')], {}, 'decoder/restore');
  const restored = graph.node('Reshape', [graph.node('Gather', [withMaskToken, clamped], { axis: int(0) }, 'decoder/restored_flat'), graph.int64s([-1, tokens, decoderDim])], {}, 'decoder/restored');
  x = graph.node('Concat', [sliceTokens(graph, decoded, 0, 1, 'decoder/cls'), restored], { axis: int(1) }, 'decoder/tokens'); // [B, 1 + L, Dd]

  let studentPrediction: string | null = null;
  for (const [index, layer] of decoder.blocks.entries()) {
    x = block(graph, layer, x, model.grid.rows, model.grid.cols, `decoder.blocks.${index}`, style);
    if (index + 1 === model.student.afterBlock) {
      let s = x;
      for (const [at, own] of model.student.blocks.entries()) s = block(graph, own, s, model.grid.rows, model.grid.cols, `student.blocks.${at}`, style);
      studentPrediction = applyHead(graph, model, model.student.head, s, 'student').prediction;
    }
  }
  if (studentPrediction === null) throw new OnnxError('ONNX_UNSUPPORTED', `student.after_block ${model.student.afterBlock} is not a decoder block`);
  const teacher = applyHead(graph, model, decoder.head, x, 'decoder');
  const outputDims = [batch, tokens, model.patchValues];
  graph.output(teacher.prediction, ONNX_NAMES.teacher, OnnxType.float, outputDims);
  graph.output(studentPrediction, ONNX_NAMES.student, OnnxType.float, outputDims);
  if (options.scoring === true) scoreOutputs(graph, model, patches, teacher.prediction, studentPrediction, batch);
  if (model.classifier !== null) {
    // Mean over tokens of the teacher head's normalised tokens, then a linear to one logit.
    const pooled = graph.node('ReduceMean', [teacher.normed], { axes: ints([1]), keepdims: int(0) }, 'classifier/pool'); // [B, Dd]
    const logit = graph.node('Reshape', [linear2d(graph, model.classifier, pooled, 'classifier.head'), graph.int64s([-1])], {}, 'classifier/logit');
    graph.output(logit, ONNX_NAMES.classifierLogit, OnnxType.float, [batch]);
  }
  return graph.encode({ name: 'vadc', version: '0.1.0' }, `vadc model of recipe ${plan.name}`, {
    'vadc.recipe': plan.name,
    'vadc.masking_ratio': String(ratio),
    'vadc.keep': String(keep),
    'vadc.grid': `${model.grid.rows}x${model.grid.cols}`,
    'vadc.patch': String(model.grid.patch),
  });
}
