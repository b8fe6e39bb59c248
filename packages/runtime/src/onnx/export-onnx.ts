// The whole model (model/autoencoder.ts `forwardPass`, evaluation mode, student included) as one ONNX graph, written
// by the ONNX inference interpreter of the model's operations (onnx-ops.ts).
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
import { forwardPass, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { createTokenMask } from '../model/masking.ts';
import { Random } from '../random.ts';
import { OnnxGraph, OnnxType, type OnnxDimension } from './onnx-graph.ts';
import { OnnxError } from './onnx-error.ts';
import { OnnxInferenceOps } from './onnx-ops.ts';
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

/**
 * Writes `model` (its current weights and BatchNorm running statistics) as an ONNX ModelProto (opset 17) that
 * computes `forward(model, patches, mask, evaluation, true)`. Throws OnnxError ONNX_UNSUPPORTED when `plan` does not
 * describe this model.
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
  if (model.student.afterBlock < 1 || model.student.afterBlock > model.decoder.blocks.length) {
    throw new OnnxError('ONNX_UNSUPPORTED', `student.after_block ${model.student.afterBlock} is not a decoder block`);
  }
  const graph = new OnnxGraph('vadc_masked_autoencoder');
  const patchInput = model.grid.patch ** 2 * model.inputChannels;
  const patches = options.scoring === true ? framesInput(graph, model, batch) : graph.input(ONNX_NAMES.patches, OnnxType.float, [batch, tokens, patchInput]);
  const keepIndex = graph.input(ONNX_NAMES.keepIndex, OnnxType.int64, [perBatch(keep)]);
  const restoreIndex = graph.input(ONNX_NAMES.restoreIndex, OnnxType.int64, [perBatch(tokens)]);
  const ops = new OnnxInferenceOps(graph, model, { fusedAttention: options.fusedAttention ?? false }, { keepIndex, restoreIndex, batchSource: patches }, { tokens, keep, rows, cols });
  const outputs = forwardPass(ops, model, { name: patches, shape: [-1, tokens, patchInput] }, { student: true, classifier: true });
  const outputDims = [batch, tokens, model.patchValues];
  graph.output(outputs.teacher.name, ONNX_NAMES.teacher, OnnxType.float, outputDims);
  graph.output((outputs.student as { name: string }).name, ONNX_NAMES.student, OnnxType.float, outputDims);
  if (options.scoring === true) scoreOutputs(graph, model, patches, outputs.teacher.name, (outputs.student as { name: string }).name, batch);
  if (outputs.classifierLogit !== null) graph.output(outputs.classifierLogit.name, ONNX_NAMES.classifierLogit, OnnxType.float, [batch]);
  return graph.encode({ name: 'vadc', version: '0.1.0' }, `vadc model of recipe ${plan.name}`, {
    'vadc.recipe': plan.name,
    'vadc.masking_ratio': String(ratio),
    'vadc.keep': String(keep),
    'vadc.grid': `${model.grid.rows}x${model.grid.cols}`,
    'vadc.patch': String(model.grid.patch),
  });
}
