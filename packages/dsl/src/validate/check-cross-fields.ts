// Stage: checks that span several values, run on a Plan that already matches the schema. Each problem is reported
// at the value most likely to be wrong (the one named first in `at`), located through the node tree.
import { errorAt, warningAt, type Diagnostic } from '../diagnostics.ts';
import { formatKey, parseKey, type KeySegment } from '../key-path.ts';
import type { RecipeNode } from '../parse/recipe-node.ts';
import { planPatchGrid } from '../plan/patch-grid.ts';
import { positionAtPath } from '../resolve/positions.ts';
import type { ModelPart, Plan } from '../plan/types.ts';
import { valueAtKey } from '../plan/plan-paths.ts';
import { checkValidation } from './check-validation.ts';

/** All cross-field problems of a schema-valid Plan. */
export function checkCrossFields(plan: Plan, tree: RecipeNode, fallbackFile: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const fail = (path: KeySegment[], message: string, extra: { expected?: string; found?: string; hint?: string } = {}): void => {
    diagnostics.push(errorAt(positionAtPath(tree, path, fallbackFile), 'CROSS_FIELD', formatKey(path), message, extra));
  };
  const warn = (path: KeySegment[], message: string, hint?: string): void => {
    diagnostics.push(warningAt(positionAtPath(tree, path, fallbackFile), 'CROSS_FIELD', formatKey(path), message, hint));
  };
  const { data, model, scoring, stages } = plan;

  // Patches tile the frame exactly: the patch embedding is a stride-`patch` convolution without padding.
  const [height, width] = data.size;
  if (height % model.patch !== 0 || width % model.patch !== 0) {
    fail(['model', 'patch'], `patch ${model.patch} does not divide the frame size ${height}x${width}`, { expected: `a divisor of both ${height} and ${width}`, found: String(model.patch), hint: 'change model.patch or data.size' });
  }
  for (const stackName of ['encoder', 'decoder'] as const) {
    const stack = model[stackName];
    if (stack.dim % stack.heads !== 0) fail(['model', stackName, 'heads'], `${stack.heads} heads do not divide ${stackName} dim ${stack.dim}`, { expected: `a divisor of ${stack.dim}`, found: String(stack.heads) });
  }
  if (!data.context.includes(0)) fail(['data', 'context'], 'context must contain 0, the frame being scored', { found: JSON.stringify(data.context) });
  // mae_cvt.py asserts 0 < student_depth < decoder_depth: the branch leaves at least one teacher block after it.
  if (model.student.after_block >= model.decoder.depth) {
    fail(['model', 'student', 'after_block'], `the student branch must leave the decoder before its last block (decoder depth ${model.decoder.depth})`, { expected: `1..${model.decoder.depth - 1}`, found: String(model.student.after_block) });
  }

  // Data: real datasets need a root; the synthetic benchmark's options make sense only with it.
  if (data.dataset === 'synthetic') {
    if (data.root !== null) warn(['data', 'root'], '`data.root` is ignored for the synthetic dataset');
    if (data.synthetic === null) fail(['data', 'synthetic'], 'the synthetic dataset needs its options', { hint: 'remove `synthetic: null` to use the defaults' });
    else {
      const { test_videos: testVideos, abnormal_throughout: throughout = 0, brief = 0 } = data.synthetic;
      if (throughout + brief > testVideos) {
        fail(['data', 'synthetic', 'brief'], `abnormal_throughout (${throughout}) and brief (${brief}) videos are more than the ${testVideos} test videos`, { expected: `abnormal_throughout + brief <= ${testVideos}` });
      }
    }
  } else {
    if (data.root === null) fail(['data', 'root'], `dataset ${data.dataset} needs \`data.root\``, { hint: 'set data.root to the dataset folder (e.g. root: ${env:VADC_DATA_ROOT})' });
    if (data.synthetic !== null) fail(['data', 'synthetic'], '`data.synthetic` options apply only to `dataset: synthetic`', { hint: 'remove them or set data.dataset: synthetic' });
  }
  for (const [path, range] of [
    [['data', 'synthetic', 'walkers'], data.synthetic?.walkers],
    [['synthetic_anomalies', 'options', 'scale'], plan.synthetic_anomalies.options.scale],
    [['synthetic_anomalies', 'options', 'speed'], plan.synthetic_anomalies.options.speed],
    [['synthetic_anomalies', 'options', 'opacity'], plan.synthetic_anomalies.options.opacity],
  ] as Array<[KeySegment[], [number, number] | undefined]>) {
    if (range !== undefined && range[0] > range[1]) fail(path, `a [min, max] range with min > max`, { found: JSON.stringify(range) });
  }
  const { generator, options } = plan.synthetic_anomalies;
  if (generator === 'objects' && options.folder === null) fail(['synthetic_anomalies', 'options', 'folder'], 'the `objects` generator needs `options.folder`');
  if (generator !== 'objects' && options.folder !== null) fail(['synthetic_anomalies', 'options', 'folder'], `\`options.folder\` applies only to the \`objects\` generator, not \`${generator}\``);

  // Stages: unique names, a consistent kind / loss, frozen parts that exist, micro-batches that fit.
  const names = new Set<string>();
  const parts = existingParts(plan);
  stages.forEach((stage, index) => {
    if (names.has(stage.name)) fail(['stages', index, 'name'], `two stages are named \`${stage.name}\``);
    names.add(stage.name);
    const expectedLoss = stage.kind === 'teacher' ? 'reconstruction' : 'distillation';
    if (stage.loss !== expectedLoss) fail(['stages', index, 'loss'], `a ${stage.kind} stage trains with the ${expectedLoss} loss`, { expected: expectedLoss, found: stage.loss });
    stage.freeze.forEach((part, partIndex) => {
      if (!parts.includes(part)) fail(['stages', index, 'freeze', partIndex], `cannot freeze \`${part}\`: this model has no such part`, { expected: parts.join(' | '), found: part });
    });
    if (stage.kind === 'student' && stage.freeze.includes('student')) fail(['stages', index, 'freeze'], 'a student stage that freezes the student trains nothing');
    if (stage.kind === 'teacher' && stage.freeze.includes('encoder') && stage.freeze.includes('decoder')) warn(['stages', index, 'freeze'], 'this teacher stage freezes both encoder and decoder');
    if (plan.runtime.workers > 1 && plan.runtime.engine !== 'onnx' && Math.ceil(stage.batch / (stage.micro_batch ?? stage.batch)) < 2) warn(['stages', index, 'micro_batch'], `runtime.workers is ${plan.runtime.workers} but stage \`${stage.name}\` runs one micro-batch per step, so one worker does all its work`, `set micro_batch to ${Math.ceil(stage.batch / plan.runtime.workers)}`);
    if (stage.micro_batch !== null && stage.micro_batch > stage.batch) fail(['stages', index, 'micro_batch'], `micro_batch ${stage.micro_batch} exceeds batch ${stage.batch}`);
    if (stage.kind === 'student' && !stages.slice(0, index).some((earlier) => earlier.kind === 'teacher')) warn(['stages', index], 'a student stage without an earlier teacher stage distils an untrained teacher', 'fine when resuming from a trained teacher');
  });

  if (plan.runtime.workers > 1 && plan.runtime.engine === 'onnx') {
    warn(['runtime', 'workers'], `runtime.workers is ${plan.runtime.workers} but the onnx training engine computes in this process with runtime.threads threads`, 'drop runtime.workers');
  }

  // Scoring: some weight must count, and each weighted term needs the part of the model that produces it.
  const weights = scoring.weights;
  if (weights.teacher + weights.discrepancy + weights.anomaly_map + weights.classifier === 0) fail(['scoring', 'weights'], 'all scoring weights are 0: every frame would score the same');
  if (weights.discrepancy > 0 && !stages.some((stage) => stage.kind === 'student')) fail(['scoring', 'weights', 'discrepancy'], 'the discrepancy term needs a student stage', { hint: 'add a student stage or set scoring.weights.discrepancy: 0' });
  if (weights.anomaly_map > 0 && model.outputs.anomaly_map === 0) fail(['scoring', 'weights', 'anomaly_map'], 'the anomaly-map term needs model.outputs.anomaly_map: 1');
  if (weights.classifier > 0 && !model.outputs.classifier) fail(['scoring', 'weights', 'classifier'], 'the classifier term needs model.outputs.classifier: true');
  // inference.py / abnormal_utils.filt: a Gaussian over `range - 1` taps centred at support[len/2 - 1]; an even range
  // gives an odd tap count, so the filter is centred and the smoothed sequence keeps its length.
  if (scoring.smoothing.kind === 'gaussian' && scoring.smoothing.range % 2 !== 0) {
    fail(['scoring', 'smoothing', 'range'], `smoothing range must be even (the filter has range - 1 taps), found ${scoring.smoothing.range}`, { expected: 'an even number >= 2', found: String(scoring.smoothing.range), hint: `use ${scoring.smoothing.range + 1}` });
  }

  const grid = planPatchGrid(plan);
  const patches = grid.rows * grid.cols;
  if (scoring.top_patches !== null && height % model.patch === 0 && width % model.patch === 0 && scoring.top_patches > patches) {
    fail(['scoring', 'top_patches'], `top_patches ${scoring.top_patches} exceeds the ${patches} patches of a frame`, { expected: `at most ${patches}`, found: String(scoring.top_patches), hint: 'null pools all patches (the mean)' });
  }
  const calibration = scoring.calibration ?? null;
  if (calibration !== null) {
    const { target, value } = calibration;
    const range = target === 'percentile' ? (value > 0 && value <= 100 ? null : '(0, 100]') : target === 'false_alarms_per_frame' && value >= 1 ? '[0, 1)' : null;
    if (range !== null) fail(['scoring', 'calibration', 'value'], `a ${target} target must be in ${range}`, { expected: range, found: String(value) });
    if (!(calibration.fps > 0)) fail(['scoring', 'calibration', 'fps'], 'fps must be positive', { expected: '> 0', found: String(calibration.fps) });
  }

  checkValidation(plan, fail);

  // Sweep: every key must name a value of the Plan.
  if (plan.sweep !== null) {
    for (const key of Object.keys(plan.sweep.grid)) {
      const path = parseKey(key);
      const ok = path !== undefined && path[0] !== 'sweep' && path[0] !== 'vadc' && valueAtKey(plan, path) !== undefined;
      if (!ok) diagnostics.push(errorAt(positionAtPath(tree, ['sweep', 'grid', key], fallbackFile, true), 'SWEEP_KEY', `sweep.grid.${key}`, `\`${key}\` names no value of the Plan`, { hint: 'sweep keys are dotted paths such as model.encoder.block or stages.teacher.epochs' }));
    }
  }
  return diagnostics;
}

function existingParts(plan: Plan): ModelPart[] {
  const parts: ModelPart[] = ['encoder', 'decoder', 'student'];
  if (plan.model.outputs.anomaly_map > 0) parts.push('anomaly_head');
  if (plan.model.outputs.classifier) parts.push('classifier');
  return parts;
}
