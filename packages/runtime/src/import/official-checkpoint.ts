// The official aed-mae checkpoints (github.com/ristea/aed-mae, util/misc.py save_model: a dict of `model` (the
// state dict of model/mae_cvt.py MaskedAutoencoderCvT), `optimizer`, `epoch`, `scaler` and `args`, the
// ml_collections ConfigDict of configs/configs.py) as vadc weights:
//   - officialModelShape reads the model's sizes from the tensor shapes (widths, depths, patch, MLP ratio, output
//     channels) and the rest from `args` (input_size, mask_ratio, dataset), as recipe keys;
//   - officialWeights maps every vadc variable to its official tensor, in vadc's layout (linears [in, out], the
//     conv patch embedding as a linear on patchified input, depthwise filters [3, 3, D, 1], head rows split into the
//     planar frame / anomaly columns), and names every key whose shape does not fit, or that has no counterpart.
// Colour order: the official code reads frames with OpenCV (cv2.imread: blue, green, red), vadc reads them red, green,
// blue. officialWeights reverses the colour channels of each frame the patch embedding takes and of the frame head's
// outputs (the anomaly channel stays), so vadc given an image file computes what the official code computes from the
// same file, its predictions in RGB; scores are means over channels, hence the same numbers (official-parity tests).
// Teacher and student: main.py's inference loads checkpoint-best.pth and overwrites the keys containing `student`
// with those of checkpoint-best-student.pth; mergeOfficialStateDicts does the same.
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import type { NamedArray } from '../train/optimizers.ts';
import { PyDict } from './pickle.ts';
import { readTorchFile, recordFields, TorchTensor } from './torch-checkpoint.ts';

/** The checkpoint is not an official aed-mae checkpoint vadc can use (message names the keys). */
export class OfficialCheckpointError extends Error {
  override name = 'OfficialCheckpointError';
}

/** One official checkpoint file, read. */
export interface OfficialCheckpoint {
  source: string;
  stateDict: Map<string, TorchTensor>;
  /** The training configuration (configs.py), as plain values; empty when the file has no `args`. */
  args: Map<string, unknown>;
  epoch: number | null;
}

/** Reads a checkpoint-*.pth (or a bare state dict saved with torch.save). */
export function readOfficialCheckpoint(bytes: Uint8Array, source: string): OfficialCheckpoint {
  const root = readTorchFile(bytes, source);
  if (!(root instanceof PyDict)) throw new OfficialCheckpointError(`${source} holds no dict (torch.save of a whole model object is not read; save its state_dict)`);
  const model = root.get('model');
  const dict = model instanceof PyDict ? model : root;
  const stateDict = new Map<string, TorchTensor>();
  for (const [key, value] of dict.entries) if (typeof key === 'string' && value instanceof TorchTensor) stateDict.set(key, value);
  if (stateDict.size === 0) throw new OfficialCheckpointError(`${source} holds no tensors under "model"`);
  const epoch = root.get('epoch');
  return { source, stateDict, args: recordFields(root.get('args')), epoch: typeof epoch === 'number' ? epoch : null };
}

/** main.py's inference: the teacher's state dict with every key containing `student` taken from the student's. */
export function mergeOfficialStateDicts(teacher: OfficialCheckpoint, student: OfficialCheckpoint | null): Map<string, TorchTensor> {
  const merged = new Map(teacher.stateDict);
  if (student !== null) for (const [key, value] of student.stateDict) if (key.includes('student')) merged.set(key, value);
  return merged;
}

/** Recipe values the checkpoint fixes, by key (`model.encoder.dim` -> 256), and why each has its value. */
export interface OfficialModelShape {
  values: Map<string, unknown>;
  notes: string[];
}

const OUTPUT_FRAME_CHANNELS = 3;

/** The recipe keys a checkpoint determines: the model's sizes from the tensors, input size and masking from args. */
export function officialModelShape(stateDict: Map<string, TorchTensor>, args: Map<string, unknown>, source: string): OfficialModelShape {
  const shape = (key: string): readonly number[] => {
    const tensor = stateDict.get(key);
    if (tensor === undefined) throw new OfficialCheckpointError(`${source}: no ${key}: not a checkpoint of the official MaskedAutoencoderCvT`);
    return tensor.shape;
  };
  const [encoderDim, inputChannels, patch] = shape('patch_embed.proj.weight') as [number, number, number, number];
  const [decoderDim] = shape('decoder_embed.weight') as [number, number];
  const depth = (prefix: string) => new Set([...stateDict.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length).split('.')[0])).size;
  const encoderDepth = depth('blocks.');
  const decoderDepth = depth('decoder_blocks.');
  const [encoderHidden] = shape('blocks.0.mlp.net.0.weight') as [number];
  const [decoderHidden] = shape('decoder_blocks.0.mlp.net.0.weight') as [number];
  const [predRows] = shape('decoder_pred.weight') as [number];
  const outputs = predRows / (patch * patch);
  if (!Number.isInteger(outputs) || outputs < OUTPUT_FRAME_CHANNELS) throw new OfficialCheckpointError(`${source}: decoder_pred.weight has ${predRows} rows, not patch ${patch}^2 x (3 + anomaly channels)`);
  if (inputChannels !== 9) throw new OfficialCheckpointError(`${source}: patch_embed.proj.weight takes ${inputChannels} channels; the official model takes 9 (frames t-3, t, t+3)`);
  const values = new Map<string, unknown>([
    ['model.patch', patch],
    ['model.encoder.dim', encoderDim],
    ['model.encoder.depth', encoderDepth],
    ['model.encoder.mlp_ratio', encoderHidden / encoderDim],
    ['model.encoder.block', 'cvt-pointwise'],
    ['model.encoder.qkv', 'dwconv-bn'],
    ['model.decoder.dim', decoderDim],
    ['model.decoder.depth', decoderDepth],
    ['model.decoder.mlp_ratio', decoderHidden / decoderDim],
    ['model.decoder.block', 'cvt-pointwise'],
    ['model.decoder.qkv', 'dwconv-bn'],
    // mae_cvt.py: student_depth = 1 (not stored in args): one student block after the first decoder block.
    ['model.student.after_block', 1],
    ['model.student.blocks', 1],
    ['model.outputs.frame', OUTPUT_FRAME_CHANNELS],
    ['model.outputs.anomaly_map', outputs - OUTPUT_FRAME_CHANNELS],
    ['model.outputs.classifier', false],
    ['data.context', [-3, 0, 3]],
  ]);
  const notes: string[] = [];
  const size = args.get('input_size');
  if (Array.isArray(size) && size.length === 2 && size.every((side) => typeof side === 'number')) values.set('data.size', size);
  else notes.push('the checkpoint has no args.input_size: data.size is the recipe\'s');
  const ratio = args.get('mask_ratio');
  if (typeof ratio === 'number') values.set('masking.ratio', ratio);
  const strategy = args.get('masking_method');
  if (strategy === 'random_masking') values.set('masking.strategy', 'random');
  else if (strategy === 'grad_masking_v1') values.set('masking.strategy', 'motion');
  // inference.py: the student-teacher error is L2 on Avenue and L1 elsewhere, whatever args.abnormal_score_func says.
  const dataset = args.get('dataset');
  if (typeof dataset === 'string') {
    const error = dataset === 'avenue' ? 'l2' : 'l1';
    values.set('scoring.errors.teacher', error);
    values.set('scoring.errors.discrepancy', error);
    notes.push(`args.dataset is ${dataset}: inference.py scores with ${error.toUpperCase()} errors`);
  }
  return { values, notes };
}

// How an official tensor becomes a vadc variable.
type Layout =
  | 'same'
  | 'token' // [1, 1, D] -> [1, D]
  | 'linear' // [out, in] -> [in, out]
  | 'conv1x1' // [out, in, 1, 1] -> [in, out]
  | 'depthwise' // [D, 1, 3, 3] -> [3, 3, D, 1]
  | 'patch-embed' // [D, C, p, p] -> [p * p * C, D] (rows: pixel row by row, channels innermost)
  | 'head-frame' | 'head-anomaly' // [p * p * (F + A), Dd] -> [Dd, p * p * F] or [Dd, p * p * A]
  | 'head-frame-bias' | 'head-anomaly-bias'; // [p * p * (F + A)] -> [p * p * F] or [p * p * A]

interface Source {
  key: string;
  layout: Layout;
}

// The official key of a vadc block's variable (rest: the name after `<stack>.blocks.<i>.`).
function blockKey(rest: string): Source {
  const mlp = /^mlp\.fc([12])\.(weight|bias)$/.exec(rest);
  if (mlp) return { key: `mlp.net.${mlp[1] === '1' ? 0 : 3}.${mlp[2]}`, layout: mlp[2] === 'weight' ? 'conv1x1' : 'same' };
  if (/^attn\.conv_proj_[qkv]\.conv\.weight$/.test(rest)) return { key: rest, layout: 'depthwise' };
  if (/^attn\.proj(_[qkv])?\.weight$/.test(rest)) return { key: rest, layout: 'linear' };
  return { key: rest, layout: 'same' };
}

// The official source of each vadc variable, or null when the official model has none.
function officialSource(name: string): Source | null {
  const head = /^(decoder|student)\.(pred|pred_anomaly)\.(weight|bias)$/.exec(name);
  if (head) {
    const kind = head[2] === 'pred' ? 'frame' : 'anomaly';
    return { key: `${head[1] === 'decoder' ? 'decoder_pred' : 'decoder_student_pred'}.${head[3]}`, layout: `head-${kind}${head[3] === 'bias' ? '-bias' : ''}` as Layout };
  }
  const simple: Record<string, Source> = {
    'encoder.patch_embed.proj.weight': { key: 'patch_embed.proj.weight', layout: 'patch-embed' },
    'encoder.cls_token': { key: 'cls_token', layout: 'token' },
    'decoder.mask_token': { key: 'mask_token', layout: 'token' },
    'decoder.embed.weight': { key: 'decoder_embed.weight', layout: 'linear' },
    'decoder.embed.bias': { key: 'decoder_embed.bias', layout: 'same' },
  };
  if (simple[name] !== undefined) return simple[name];
  const renames: Array<[RegExp, string]> = [
    [/^encoder\.patch_embed\./, 'patch_embed.'],
    [/^encoder\.norm\./, 'norm.'],
    [/^decoder\.norm\./, 'decoder_norm.'],
    [/^student\.norm\./, 'decoder_student_norm.'],
  ];
  for (const [pattern, replacement] of renames) if (pattern.test(name)) return { key: name.replace(pattern, replacement), layout: 'same' };
  const block = /^(encoder|decoder|student)\.blocks\.(\d+)\.(.+)$/.exec(name);
  if (block) {
    const [, stack, index, rest] = block as unknown as [string, string, string, string];
    if (stack === 'student' && index !== '0') return null;
    const prefix = stack === 'encoder' ? `blocks.${index}.` : stack === 'decoder' ? `decoder_blocks.${index}.` : 'decoder_student_block.';
    const source = blockKey(rest);
    return { key: prefix + source.key, layout: source.layout };
  }
  return null;
}

// The official shape a vadc shape comes from under `layout` (frame / anomaly splits need the model's channels).
function officialShape(layout: Layout, shape: readonly number[], model: Pick<MaskedAutoencoder, 'grid' | 'frameChannels' | 'anomalyChannels' | 'inputChannels'>): number[] {
  const pixels = model.grid.patch * model.grid.patch;
  const rows = pixels * (model.frameChannels + model.anomalyChannels);
  switch (layout) {
    case 'same': return [...shape];
    case 'token': return [1, ...shape];
    case 'linear': return [shape[1] as number, shape[0] as number];
    case 'conv1x1': return [shape[1] as number, shape[0] as number, 1, 1];
    case 'depthwise': return [shape[2] as number, 1, 3, 3];
    case 'patch-embed': return [shape[1] as number, model.inputChannels, model.grid.patch, model.grid.patch];
    case 'head-frame': case 'head-anomaly': return [rows, shape[0] as number];
    case 'head-frame-bias': case 'head-anomaly-bias': return [rows];
  }
}

// The official (BGR) channel of vadc's (RGB) channel `channel` of a stack of colour frames (see the header).
function bgrChannel(channel: number): number {
  return channel - (channel % 3) + 2 - (channel % 3);
}

// Converts official values to vadc's layout (`shape` is the vadc variable's).
function convert(layout: Layout, values: Float32Array, shape: readonly number[], model: Pick<MaskedAutoencoder, 'grid' | 'frameChannels' | 'anomalyChannels' | 'inputChannels'>): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const pixels = model.grid.patch * model.grid.patch;
  const channels = model.frameChannels + model.anomalyChannels;
  switch (layout) {
    case 'same': case 'token': return values;
    case 'linear': case 'conv1x1': {
      const [inputs, outputs] = shape as [number, number];
      for (let o = 0; o < outputs; o++) for (let i = 0; i < inputs; i++) out[i * outputs + o] = values[o * inputs + i] as number;
      return out;
    }
    case 'depthwise': {
      const dim = shape[2] as number;
      for (let d = 0; d < dim; d++) for (let k = 0; k < 9; k++) out[k * dim + d] = values[d * 9 + k] as number;
      return out;
    }
    case 'patch-embed': {
      const dim = shape[1] as number;
      const c = model.inputChannels;
      for (let d = 0; d < dim; d++) {
        for (let channel = 0; channel < c; channel++) {
          const official = bgrChannel(channel);
          for (let pixel = 0; pixel < pixels; pixel++) out[(pixel * c + channel) * dim + d] = values[(d * c + official) * pixels + pixel] as number;
        }
      }
      return out;
    }
    case 'head-frame': case 'head-anomaly': case 'head-frame-bias': case 'head-anomaly-bias': {
      // Official rows are (pixel, channel) with the channel innermost over all F + A channels; vadc's columns are
      // planar: the frame block (pixel, channel < F), then the anomaly block (pixel, channel < A).
      const anomaly = layout.startsWith('head-anomaly');
      const width = anomaly ? model.anomalyChannels : model.frameChannels;
      const first = anomaly ? model.frameChannels : 0;
      const dim = layout.endsWith('-bias') ? 1 : shape[0] as number;
      const columns = pixels * width;
      for (let pixel = 0; pixel < pixels; pixel++) {
        for (let c = 0; c < width; c++) {
          const row = pixel * channels + first + (anomaly ? c : bgrChannel(c));
          for (let k = 0; k < dim; k++) out[k * columns + pixel * width + c] = values[row * dim + k] as number;
        }
      }
      return out;
    }
  }
}

// Official tensors with no vadc variable that carry nothing vadc needs: BatchNorm's step counter, and the
// morphology weights of util/morphology.py (fixed zeros: flat structuring elements, what vadc's erodeDilate uses).
const IGNORED = [/\.num_batches_tracked$/, /^(erosion|dilation)(_3)?\.weight$/];

/** Every vadc variable of `model` from the official state dict; throws naming every key that does not fit. */
export function officialWeights(stateDict: Map<string, TorchTensor>, model: MaskedAutoencoder, source: string): NamedArray[] {
  const problems: string[] = [];
  const used = new Set<string>();
  const weights: NamedArray[] = [];
  for (const info of model.params.list()) {
    const shape = info.variable.shape;
    const from = officialSource(info.name);
    if (from === null) {
      problems.push(`${info.name}: the official model has no such weight (set it off in the recipe)`);
      continue;
    }
    const tensor = stateDict.get(from.key);
    const expected = officialShape(from.layout, shape, model);
    if (tensor === undefined) {
      problems.push(`${from.key}: missing from the checkpoint (the recipe's model needs it ${expected.join('x')} for ${info.name})`);
      continue;
    }
    used.add(from.key);
    if (tensor.shape.join('x') !== expected.join('x')) {
      problems.push(`${from.key}: the checkpoint's is ${tensor.shape.join('x')}, the recipe's model needs ${expected.join('x')} (${info.name})`);
      continue;
    }
    weights.push({ name: info.name, shape: [...shape], data: convert(from.layout, tensor.toFloat32(), shape, model) });
  }
  for (const [key, tensor] of stateDict) {
    if (used.has(key)) continue;
    if (IGNORED.some((pattern) => pattern.test(key))) {
      if (/^(erosion|dilation)/.test(key) && tensor.toFloat32().some((value) => value !== 0)) {
        problems.push(`${key}: not zero; vadc's erosion and dilation use flat windows (the official zeros)`);
      }
      continue;
    }
    problems.push(`${key}: ${tensor.shape.join('x')} in the checkpoint has no place in the recipe's model`);
  }
  if (problems.length > 0) {
    throw new OfficialCheckpointError(`${source} does not fit the recipe's model, key by key:\n  ${problems.join('\n  ')}`);
  }
  return weights;
}
