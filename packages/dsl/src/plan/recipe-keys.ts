// Every recipe key, declared once: its type, range or values, default, description, and where the default comes
// from. The Plan type (plan/types.ts), the defaults resolution lays under a recipe (resolve/defaults.ts), the JSON
// Schemas of Plans and of recipe files (validate/schema.ts; recipes/vadc.schema.json) are all read off this file.
// Adding a key is one entry here plus the code that uses it. Defaults are the paper's method as the official code
// (ristea/aed-mae) runs it on Avenue; `source` says where each comes from ("vadc" marks knobs the official code lacks).
// Keys keep the recipe's snake_case names so an error or an origin is named by the dotted path the user wrote.
import {
  addedLater, boolean, custom, fieldDefaults, integer, list, nullable, number, oneOf, pair, recipeOnly, section, string, tagged, taggedUnion,
  type Range, type TypeOf,
} from './declare.ts';
import { METRIC_NAMES } from './metric-names.ts';

// The value lists: each is the one list its type is made of (`(typeof X)[number]`).
/** Dataset layouts the readers understand. */
export const DATASET_KINDS = ['avenue', 'shanghaitech', 'ucsd-ped1', 'ucsd-ped2', 'ubnormal', 'frames', 'synthetic'] as const;
export const SYNTHETIC_DATA_ANOMALIES = ['running', 'wrong-direction', 'loitering', 'vehicle', 'thrown-object'] as const;
/** Building block of encoder / decoder / student: CvT block with a pointwise-conv MLP or a fully connected MLP. */
export const BLOCK_KINDS = ['cvt-pointwise', 'cvt-mlp'] as const;
/** How q, k and v are projected inside a CvT block. */
export const QKV_PROJECTIONS = ['dwconv-bn', 'avg', 'linear'] as const;
/** Model parts a stage can train or freeze. */
export const MODEL_PARTS = ['encoder', 'decoder', 'student', 'anomaly_head', 'classifier'] as const;
export const OPTIMIZER_KINDS = ['adamw', 'adam', 'sgd'] as const;
export const SCHEDULE_KINDS = ['constant', 'cosine', 'step'] as const;
export const SMOOTHING_KINDS = ['none', 'gaussian'] as const;
export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
/** The engines a recipe may request; `auto` is resolved per command (the resolved one is recorded in run.json). */
export const ENGINE_NAMES = ['auto', 'tfjs', 'onnx'] as const;
/** Arithmetic of the onnxruntime scoring graph: float32 as trained, or its weight products in int8. */
export const PRECISION_NAMES = ['fp32', 'int8'] as const;
export const STAGE_KINDS = ['teacher', 'student'] as const;
export const ERROR_KINDS = ['l2', 'l1'] as const;
/** Metrics a validation split is scored by (frame AUCs and pixel AUC of its pasted anomalies). */
export const VALIDATION_METRIC_NAMES = ['micro_auc', 'macro_auc', 'pixel_auc'] as const;
export const SELECTION_KINDS = ['last', 'best'] as const;
export const GENERATOR_NAMES = ['procedural', 'objects', 'foreground'] as const;
/** What validation may make held-out videos abnormal with: the generators, and `replay` (validation only). */
export const VALIDATION_GENERATOR_NAMES = [...GENERATOR_NAMES, 'replay'] as const;
export const CALIBRATION_TARGETS = ['false_alarms_per_hour', 'false_alarms_per_frame', 'percentile'] as const;

const atLeast = (minimum: number): Range => ({ minimum });
const share: Range = { minimum: 0, maximum: 1 };
const positive: Range = { exclusiveMinimum: 0 };
/** An item of a list or pair: described by the list. */
const item = { doc: '' };

const syntheticData = section({
  seed: integer(0, { doc: 'Seed of the generated videos (independent of runtime.seed, so data stays fixed while training seeds vary).', default: 1, source: 'vadc' }),
  train_videos: integer(1, { doc: 'Number of normal training videos.', default: 8, source: 'vadc' }),
  test_videos: integer(1, { doc: 'Number of test videos (each with anomalies).', default: 4, source: 'vadc' }),
  frames: integer(2, { doc: 'Frames per video.', default: 64, source: 'vadc' }),
  resolution: pair(integer(1, item), { doc: 'Native [height, width] of the generated frames (data.size resizes from it, like real data).', default: [120, 160], source: 'vadc' }),
  walkers: pair(integer(0, item), { doc: '[min, max] number of normal walkers per video.', default: [2, 5], source: 'vadc' }),
  anomalies: list(oneOf(SYNTHETIC_DATA_ANOMALIES, item), { doc: 'Kinds of anomalies the test videos contain.', minItems: 1, unique: true, default: [...SYNTHETIC_DATA_ANOMALIES], source: 'vadc' }),
  scenes: addedLater(integer(1, { doc: 'Number of scenes (cameras): video i of each split is filmed in scene i mod scenes, each scene with its own walkway and background, as a real benchmark mixes cameras.', default: 1, source: 'vadc: ShanghaiTech has 13 scenes, UCSD Ped1/Ped2 one each' }), { before: 1 }),
  abnormal_throughout: addedLater(integer(0, { doc: 'How many test videos (the last ones) are abnormal in every frame: anomaly events follow each other so that one is always in view, as in four of the twelve UCSD Ped2 test videos. Micro AUC then rewards scores that are comparable between videos.', default: 0, source: 'vadc: UCSDped2.m, test videos abnormal from the first to the last frame' }), { before: 0 }),
  brief: addedLater(integer(0, { doc: 'How many test videos (just before the abnormal_throughout ones) hold one small, short anomaly only: a thrown object when the list has it, else the next kind at half size, in view for at most 16 frames.', default: 0, source: 'vadc: UCSDped2.m, a test video with small, short anomalies' }), { before: 0 }),
}, { doc: 'Options of the built-in synthetic benchmark (only with `dataset: synthetic`).' });

const listFile = (doc: string) => nullable(string(item, 0), { doc, default: null, source: 'vadc: the dataset\'s own split' });

const data = section({
  dataset: oneOf(DATASET_KINDS, { doc: 'Dataset layout: avenue, shanghaitech, ucsd-ped1, ucsd-ped2, ubnormal, frames (train/<video>/<n>.jpg, labels/<video>.txt) or synthetic (generated, no files).' }),
  root: nullable(string(item), { doc: 'Dataset folder (e.g. ${env:VADC_PED2_ROOT}); required unless dataset is synthetic. Absolute after resolution. Not part of the experiment hash.', default: null }),
  size: pair(integer(1, item), { doc: 'Model input [height, width] in pixels; frames are resized to it. Both must be multiples of model.patch.', default: [320, 640], source: 'configs.py get_configs_avenue: input_size = (320, 640)' }),
  context: list(custom<number>({ plan: { type: 'integer' } }, item), { doc: 'Frame offsets stacked as input channels, e.g. [-3, 0, 3]: frames t-3, t and t+3 (3 channels each). Must contain 0, the frame being scored.', minItems: 1, unique: true, default: [-3, 0, 3], source: 'train_dataset.py: read_prev_next_frame_if_exists(direction=-3 / 3)' }),
  motion: section({
    step: integer(1, { doc: 'Motion gradient |frame(t - step) - frame(t + step)|.', default: 1, source: 'extract_gradients.py: compute_gradients(root, 1, ...)' }),
  }, { doc: 'Motion gradients that weight the reconstruction loss.' }),
  cache_dir: nullable(string(item), { doc: 'Folder for decoded and resized frames (default: .vadc-cache beside the runs). Not part of the experiment hash.', default: null, source: 'vadc: <root or runs>/.vadc-cache' }),
  splits: section({
    train: listFile('List file of the training videos (default: the dataset\'s own training split).'),
    validation: listFile('List file of the validation videos (default: none, or the dataset\'s validation/ folder).'),
    test: listFile('List file of the test videos (default: the dataset\'s own test split).'),
  }, { doc: 'Optional split lists (files naming one video per line, relative to the recipe that names them) that select videos of each split.' }),
  // No default of its own: resolution fills it in for `dataset: synthetic` (or when written) and leaves it null otherwise.
  synthetic: nullable(syntheticData, {}),
}, { doc: 'Where the data is and how a frame becomes the model input.' });

/** A stack of CvT blocks; the decoder's keys mean what the encoder's do. */
const stack = (doc: string, defaults: { dim: number }, source: string) => section({
  dim: integer(1, { doc: 'Token width (channels).', default: defaults.dim, source }),
  depth: integer(1, { doc: 'Number of blocks.', default: 3, source }),
  heads: integer(1, { doc: 'Attention heads per block; must divide dim.', default: 4, source }),
  mlp_ratio: number(positive, { doc: 'Hidden width of the MLP as a multiple of dim.', default: 2, source }),
  block: oneOf(BLOCK_KINDS, { doc: 'Block type: cvt-pointwise (MLP of 1x1 convolutions, the paper\'s) or cvt-mlp (fully connected MLP, the ablation).', default: 'cvt-pointwise', source: 'cvt.py Block' }),
  qkv: oneOf(QKV_PROJECTIONS, { doc: 'How q/k/v are projected: dwconv-bn (depthwise 3x3 conv + BatchNorm, CvT\'s), avg or linear.', default: 'dwconv-bn', source: 'cvt.py Attention' }),
}, { doc });

const model = section({
  patch: integer(1, { doc: 'Patch size in pixels (tokens are patch x patch squares); must divide data.size.', default: 16, source: 'model_factory.py mae_cvt_patch16 (Avenue; ShanghaiTech uses patch 8)' }),
  encoder: stack('Encoder blocks (CvT).', { dim: 256 }, 'model_factory.py mae_cvt_patch16: embed_dim 256, depth 3, num_heads 4, mlp_ratio 2'),
  decoder: stack('Teacher decoder blocks (CvT).', { dim: 128 }, 'model_factory.py mae_cvt_patch16: decoder_embed_dim 128, decoder_depth 3, decoder_num_heads 4'),
  student: section({
    after_block: integer(1, { doc: 'Decoder block the student branch starts after (1-based).', default: 1, source: 'mae_cvt.py: student_depth = 1' }),
    blocks: integer(1, { doc: 'Number of student blocks.', default: 1, source: 'mae_cvt.py: one decoder_student_block' }),
  }, { doc: 'The student branch, distilled from the teacher in the second stage.' }),
  outputs: section({
    frame: integer(1, { doc: 'Channels of the reconstructed frame (3 = RGB).', default: 3, source: 'mae_cvt.py: out_chans = 4 (RGB + anomaly map)' }),
    anomaly_map: integer({ minimum: 0, maximum: 1 }, { doc: 'Channels of the predicted anomaly map (1, or 0 for none).', default: 1, source: 'mae_cvt.py: out_chans = 4 (RGB + anomaly map)' }),
    classifier: boolean({ doc: 'Add a frame-level anomaly classifier head: pooled tokens -> probability that a synthetic anomaly was pasted (vadc\'s extension).', default: false, source: 'vadc' }),
  }, { doc: 'What the decoders predict per patch.' }),
  dropout: number(share, { doc: 'Dropout after the MLP activation.', default: 0.1, source: 'cvt.py PointwiseConvMlp: nn.Dropout(0.1) after the GELU (hard-coded there)' }),
}, { doc: 'The masked auto-encoder: CvT encoder, teacher decoder, student branch.' });

const masking = section({
  ratio: number({ minimum: 0, exclusiveMaximum: 1 }, { doc: 'Share of patch tokens hidden from the encoder (0 to <1), in training and when scoring alike (the official code masks at test time too).', default: 0.5, source: 'configs.py: mask_ratio 0.5' }),
  strategy: oneOf(['random', 'motion'], { doc: 'random (the paper\'s) or motion (hide the tokens that move most).', default: 'random', source: 'configs.py: masking_method "random_masking"' }),
}, { doc: 'Which patch tokens the encoder sees.' });

const loss = section({
  reconstruction: oneOf(ERROR_KINDS, { doc: 'Per-pixel error of the reconstruction: l2 (squared) or l1.', default: 'l2', source: 'mae_cvt.py forward_loss: (pred - target) ** 2' }),
  weighting: oneOf(['motion', 'none'], { doc: 'Weight each pixel by its motion gradient (motion) or not (none).', default: 'motion', source: 'configs.py: grad_weighted_rec_loss = True' }),
  tokens: oneOf(['masked', 'all'], { doc: 'Sum the loss over masked tokens only, or over all tokens.', default: 'all', source: 'mae_cvt.py forward_loss: with motion weights the sum runs over all tokens, not only masked ones' }),
  anomaly_floor: number(atLeast(0), { doc: 'Smallest anomaly-map target inside a pasted anomaly (0 to 1).', default: 0.5, source: 'mae_cvt.py: min_magnitude_anomaly = 128 on 0..255 gradients, about 0.5 on a [0, 1] scale' }),
  anomaly_map_weight: number(atLeast(0), { doc: 'Weight of the anomaly-map channel in the loss.', default: 1, source: 'mae_cvt.py: the anomaly map is a 4th channel in the same per-pixel mean' }),
  classifier_weight: number(atLeast(0), { doc: 'Weight of the classifier loss (with model.outputs.classifier).', default: 1, source: 'vadc: the classifier head is our extension (off by default)' }),
}, { doc: 'The training losses.' });

const syntheticAnomalies = section({
  probability: number(share, { doc: 'Share of training samples that get a synthetic anomaly; 0 disables them.', default: 0.25, source: 'configs.py: percent_abnormal = 0.25' }),
  generator: oneOf(GENERATOR_NAMES, { doc: 'procedural (drawn shapes), objects (cut-outs from options.folder) or foreground (moving blobs of the training clips).', default: 'procedural', source: 'vadc: the official code pastes pre-rendered UBnormal objects; procedural needs no files' }),
  options: section({
    folder: nullable(string(item), { doc: 'Folder of object cut-outs for generator objects. Not part of the experiment hash.', default: null, source: 'vadc' }),
    scale: pair(number(share, item), { doc: '[min, max] object size as a share of the frame.', default: [0.1, 0.3], source: 'vadc' }),
    speed: pair(number(atLeast(0), item), { doc: '[min, max] object speed in pixels per frame.', default: [1, 4], source: 'vadc' }),
    opacity: pair(number(share, item), { doc: '[min, max] opacity of the pasted object.', default: [0.8, 1], source: 'vadc' }),
  }, { doc: 'Options of the generator.' }),
}, { doc: 'Training-time synthetic anomalies pasted into normal frames, with their masks as targets.' });

const optimizer = tagged(OPTIMIZER_KINDS, { doc: 'adamw, adam or sgd.', default: 'adamw', source: 'main.py: torch.optim.AdamW' },
  { adamw: 'AdamW with these fields', adam: 'Adam with these fields', sgd: 'SGD with these fields' }, {
    lr: number(positive, { doc: 'Learning rate.', default: 1e-4, source: 'main.py: lr 1e-4' }),
    weight_decay: number(atLeast(0), { doc: 'Weight decay (decoupled for adamw).', default: 0.05, source: 'main.py: weight_decay 0.05' }),
    betas: pair(number(share, item), { doc: 'Adam betas [beta1, beta2].', default: [0.9, 0.95], source: 'main.py: betas=(0.9, 0.95)' }),
    momentum: number(share, { doc: 'SGD momentum.', default: 0, source: 'vadc (sgd only)' }),
  }, { doc: 'Optimizer: adamw, adam or sgd, written `kind: adamw` with fields, `adamw`, or `{ adamw: { lr: ... } }`.' });

const schedule = tagged(SCHEDULE_KINDS, { doc: 'constant, cosine or step.', default: 'constant', source: 'main.py: no scheduler' },
  { constant: 'Constant rate', cosine: 'Cosine decay to min_lr', step: 'Step decay' }, {
    warmup_epochs: integer(0, { doc: 'Epochs of linear warm-up from 0.', default: 0, source: 'main.py: no scheduler' }),
    min_lr: number(atLeast(0), { doc: 'Learning rate at the end of the decay.', default: 0, source: 'main.py: no scheduler' }),
  }, { doc: 'Learning-rate schedule: constant, cosine or step, written like the optimizer.' });

/** Stage defaults differ by kind: configs.py trains 200 epochs with batch 100, the student from start_TS_epoch = 100. */
const stage = section({
  name: string({ doc: 'Name of the stage (teacher and student also set its kind).' }),
  kind: oneOf(STAGE_KINDS, { doc: 'teacher (trains encoder and decoder with the reconstruction loss) or student (distils the student branch).', byVariant: { teacher: 'teacher', student: 'student' } }),
  epochs: integer(0, { doc: 'Passes over the training frames.', default: 100, source: 'configs.py: epochs 0..99 teacher, 100..199 student (start_TS_epoch = 100)' }),
  batch: integer(1, { doc: 'Samples per optimizer step (gradients are accumulated over micro-batches to reach it).', default: 100, source: 'configs.py: batch_size 100' }),
  micro_batch: nullable(integer(1, item), { doc: 'Split each step into micro-batches of this size (same step, less memory); null: one.', default: null, source: 'vadc' }),
  optimizer,
  schedule,
  freeze: list(oneOf(MODEL_PARTS, item), { doc: 'Model parts not trained in this stage.', unique: true, byVariant: { teacher: [], student: ['encoder', 'decoder', 'anomaly_head'] }, source: 'mae_cvt.py freeze_backbone: all but the student branch' }),
  loss: oneOf(['reconstruction', 'distillation'], { doc: 'reconstruction (teacher) or distillation (student).', byVariant: { teacher: 'reconstruction', student: 'distillation' }, source: 'mae_cvt.py forward_loss / forward_loss_TS' }),
  clip_grad: nullable(number(positive, item), { doc: 'Clip the gradient norm to this value; null: no clipping.', default: null, source: 'vadc' }),
  steps_per_epoch: nullable(integer(1, item), { doc: 'Optimizer steps per epoch; null: one pass over the training frames.', default: null, source: 'vadc' }),
}, { doc: 'A training stage; `kind` is inferred from a name `teacher` or `student`.', variants: STAGE_KINDS, recipeRequired: ['name'] });

/** The fields of Gaussian smoothing (Avenue's values). */
export const gaussianSmoothing = {
  range: integer(2, { doc: 'Filter length: range - 1 taps, as the official evaluation.', default: 38, source: 'inference.py avenue: filt(range=38, mu=11)' }),
  sigma: number(positive, { doc: 'Standard deviation of the Gaussian, in frames.', default: 11, source: 'inference.py avenue: filt(range=38, mu=11)' }),
};

const calibration = section({
  target: oneOf(CALIBRATION_TARGETS, { doc: 'What the threshold keeps: false_alarms_per_hour (alarm events per hour at fps), false_alarms_per_frame (share of abnormal frames) or percentile (of the smoothed normal scores).', default: 'false_alarms_per_hour', source: 'vadc' }),
  value: number(atLeast(0), { doc: 'The target\'s value: events per hour, a share of frames (0-1), or a percentile (0-100).', default: 1, source: 'vadc: one false alarm per hour' }),
  fps: number(atLeast(0), { doc: 'Frame rate of the footage, for rates per hour and event times in seconds.', default: 25, source: 'vadc' }),
}, { doc: 'Operating threshold chosen after training on normal footage the model never trained on (the held-out validation videos), never on test labels; null: no calibration (vadc calibrate can do it later).' });

const errorWeight = (doc: string, value: number, source: string) => number(atLeast(0), { doc, default: value, source });

const scoring = section({
  weights: section({
    teacher: errorWeight('alpha: weight of the teacher\'s reconstruction error.', 0.5, 'paper: alpha = 0.5'),
    discrepancy: errorWeight('beta: weight of the teacher-student discrepancy (needs a student stage).', 0.5, 'paper: beta = 0.5'),
    anomaly_map: errorWeight('gamma: weight of the predicted anomaly map.', 0.5, 'paper: gamma = 0.5'),
    classifier: errorWeight('Weight of the classifier\'s probability (with model.outputs.classifier), added after pooling.', 0, 'vadc'),
  }, { doc: 'Weights of the score components (alpha, beta, gamma of the paper, and the classifier\'s).' }),
  errors: section({
    teacher: oneOf(ERROR_KINDS, { doc: 'Error of the teacher\'s reconstruction: l2 or l1.', default: 'l2', source: 'configs.py avenue: abnormal_score_func [\'L2\', \'L2\']' }),
    discrepancy: oneOf(ERROR_KINDS, { doc: 'Error between teacher and student: l2 or l1.', default: 'l2', source: 'configs.py avenue: abnormal_score_func [\'L2\', \'L2\']' }),
  }, { doc: 'Error kinds of the score components.' }),
  smoothing: taggedUnion(SMOOTHING_KINDS, { doc: 'none or gaussian.', default: 'gaussian', source: 'inference.py avenue: filt(range=38, mu=11)' },
    { none: 'No smoothing', gaussian: 'Gaussian smoothing with these fields' }, { none: {}, gaussian: gaussianSmoothing },
    { doc: 'Temporal smoothing of frame scores per video: none, or gaussian with range and sigma.' }),
  normalize: boolean({ doc: 'Min-max normalise the scores of each video (the official ShanghaiTech evaluation does).', default: false, source: 'inference.py avenue: normalize_scores=False' }),
  top_patches: nullable(integer(1, item), { doc: 'Score a frame by the mean of its N highest patches instead of all patches, so an anomaly covering a few patches is not averaged away; null: all (the official score).', default: null, source: 'mae_cvt.py: a frame\'s error is the mean over all its patches' }),
  batch: integer(1, { doc: 'Frames per inference batch (speed only; not part of the experiment hash).', default: 100, source: 'main.py: the test loader uses batch_size (100)' }),
  maps: section({
    erode: integer(0, { doc: 'Erosion size in patches; 0 skips it.', default: 2, source: 'mae_cvt.py process_result: Erosion2d(.., 2) once' }),
    dilate: integer(0, { doc: 'Dilation size in patches (applied twice); 0 skips it.', default: 3, source: 'mae_cvt.py process_result: Dilation2d(.., 3) twice' }),
  }, { doc: 'Morphology of the anomaly maps before regions are taken.' }),
  test_masks: addedLater(section({
    count: integer(1, { doc: 'Masks per frame (1: one mask, as the official inference).', default: 1, source: 'inference.py: one random mask per frame (vadc: drawn from the frame\'s position)' }),
    complementary: boolean({ doc: 'Hide a different slice of one token order per pass, so every patch is hidden (reconstructed) once; each patch is scored from the pass that hid it. count must then be ceil(tokens / hidden tokens) (2 at masking.ratio 0.5).', default: false, source: 'vadc' }),
  }, { doc: 'Test-time masks: each frame is scored under `count` masks drawn from its position in the input and runtime.seed (never the input\'s name or transport) and the per-patch components are averaged. K masks cost K times the scoring time. Absent in plans written before the key existed (read as count 1, not complementary).' }), { before: { count: 1, complementary: false } }),
  calibration: addedLater(nullable(calibration, { default: null, source: 'vadc: the official code has no operating threshold' }), { before: null }),
}, { doc: 'How a frame\'s anomaly score is computed at test time.' });

const evaluation = section({
  metrics: list(oneOf(METRIC_NAMES, item), { doc: 'Metrics to compute: micro_auc, macro_auc, rbdc, tbdc, pixel_auc.', minItems: 1, unique: true, default: ['micro_auc', 'macro_auc'], source: 'vadc' }),
  region_overlap: number(share, { doc: 'IoU for a region to count as detected (RBDC).', default: 0.1, source: 'RBDC (Ramachandra & Jones): overlap 0.1' }),
  track_overlap: number(share, { doc: 'Share of a track\'s regions that must be detected (TBDC).', default: 0.1, source: 'TBDC (Ramachandra & Jones): overlap 0.1' }),
  map_thresholds: integer(2, { doc: 'Thresholds swept over the anomaly maps for RBDC / TBDC.', default: 50, source: 'vadc' }),
}, { doc: 'What is evaluated on the test split.' });

const engineDoc = 'What trains and scores: auto (default: TF.js on a GPU when @tensorflow/tfjs-node-gpu finds one, else the fastest installed CPU engine, onnxruntime-node before TF.js), tfjs (the reference) or onnx (onnxruntime-node). --engine overrides it for one command; run.json records what auto resolved to. Formerly runtime.train_engine (still read, with a warning).';

const runtime = section({
  backend: oneOf(BACKEND_NAMES, { doc: 'TF.js backend: auto, tensorflow-gpu, tensorflow, wasm or cpu. Not part of the experiment hash.', default: 'auto', source: 'vadc' }),
  seed: integer(0, { doc: 'Seed of masks, data order, dropout and synthetic anomalies.', default: 0, source: 'vadc' }),
  threads: custom<number | 'auto'>({
    plan: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }] },
    recipe: { type: ['integer', 'string'], minimum: 1, pattern: '^auto$', patternErrorMessage: 'an integer >= 1 or auto' },
  }, { doc: 'Threads of the wasm backend / onnxruntime, or auto (all cores). Not part of the experiment hash.', default: 'auto', source: 'vadc' }),
  workers: integer(1, { doc: 'Worker threads computing a step\'s micro-batches (same result as one: masks and dropout seeds are drawn, and gradients summed, in micro-batch order). Not part of the experiment hash.', default: 1, source: 'vadc' }),
  spin_wait: boolean({ doc: 'onnxruntime threads spin-wait between operators: faster on cores of their own, slower on a shared machine (set false there). Not part of the experiment hash.', default: true, source: 'onnxruntime\'s own default' }),
  engine: oneOf(ENGINE_NAMES, { doc: engineDoc, default: 'auto', source: 'vadc' }),
  precision: addedLater(oneOf(PRECISION_NAMES, { doc: 'Arithmetic of scoring on the onnx engine: fp32 (as trained) or int8 (every weight product on the CPU\'s integer units: weights quantized per output column, activations per batch; see packages/runtime/src/onnx/quantize.ts). Changes scores slightly, so it is part of the experiment hash (int8 only: fp32 keeps the hashes of plans before the key) but not of the training hash. TF.js always scores in fp32. `vadc export` bakes it into the package graph.', default: 'fp32', source: 'vadc: fp32 until validation shows int8 loses nothing beyond test-time mask noise (bench/RESULTS.md "int8 scoring")' }), { before: 'fp32' }),
  train_engine: recipeOnly(oneOf(ENGINE_NAMES, { doc: 'Old name of runtime.engine (it chose the training engine only): still read as runtime.engine, with a warning; write runtime.engine. Default: unset (runtime.engine applies).' })),
}, { doc: 'Where and how the computation runs.' });

const sweep = section({
  grid: custom<Record<string, unknown[]>>({ plan: { type: 'object', additionalProperties: { type: 'array', items: {}, minItems: 1 }, minProperties: 1 } }, { doc: 'Dotted key -> list of values, e.g. { scoring.weights.teacher: [0, 0.5] }.' }),
}, { doc: 'A grid over dotted keys; every combination is one run (scoring-only keys re-use one trained model).' });

/** A `validation:` section's keys (vadc's own: the official code validates on test labels). */
const validation = section({
  hold_out: custom<number | string[]>({
    // One schema for the number and the list form (not an anyOf), so an editor reports a mistake once.
    plan: { type: ['number', 'array'], exclusiveMinimum: 0, items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
  }, { doc: 'Held-out training videos: a count (3), a share of the training videos (0.2, at least one), or names ([Train004, Train011]).', default: 0.2, source: 'vadc: a fifth of the training videos, at least one' }),
  seed: integer(0, { doc: 'Seed of the held-out draw and of the pasted anomalies; independent of runtime.seed.', default: 0, source: 'vadc' }),
  every: integer(1, { doc: 'Validate after every N epochs of a stage, and after each stage\'s last epoch.', default: 1, source: 'vadc' }),
  metric: oneOf(VALIDATION_METRIC_NAMES, { doc: 'What selection: best and vadc sweep rank by: micro_auc, macro_auc or pixel_auc of the held-out split.', default: 'micro_auc', source: 'vadc: the headline metric of every shipped recipe' }),
  selection: oneOf(SELECTION_KINDS, { doc: 'last: keep the last epoch; best: the validated epoch with the best metric (checkpoints/best.ckpt).', default: 'last', source: 'vadc' }),
  anomalies: section({
    intervals: integer(1, { doc: 'Disjoint anomalous stretches per held-out video.', default: 2, source: 'vadc' }),
    length: pair(number({ exclusiveMinimum: 0, maximum: 1 }, item), { doc: 'Length of each stretch as a share [min, max] of the video\'s frames.', default: [0.1, 0.25], source: 'vadc' }),
    whole: addedLater(integer(0, { doc: 'The first N held-out videos (in held-out order) are abnormal in every frame (their stretches tile the video), so validation micro AUC also measures whether scores compare between videos.', default: 0, source: 'vadc: not in the default protocol (bench/RESULTS.md "Validation protocols": one video abnormal throughout beside one normal ranked Ped2 cells at 0.70 with foreground pastes, but multi-scene synthetic cells at 0.22, where the two videos come from different cameras)' }), { before: 0 }),
    normal: addedLater(integer(0, { doc: 'The next N held-out videos are left normal (no anomaly at all). With a single held-out video both layouts give way to stretches.', default: 0, source: 'vadc: not in the default protocol (bench/RESULTS.md "Validation protocols")' }), { before: 0 }),
  }, { doc: 'The pasted anomalies of each held-out video.' }),
  generator: nullable(oneOf(VALIDATION_GENERATOR_NAMES, item), { doc: 'What makes held-out videos abnormal: a generator pasted in (procedural, objects, foreground, with synthetic_anomalies.options), or replay (one of the video\'s own moving objects replayed too fast, backwards or off its path: no foreign appearance); null: the recipe\'s synthetic_anomalies.generator (then a sweep that varies that generator validates its cells on different splits).', default: 'procedural', source: 'vadc: the default protocol (bench/RESULTS.md "Validation protocols"): procedural pastes in stretches ranked cells best on both labelled sources (Spearman 0.74 Ped2, 0.72 synthetic); a fixed generator validates every cell on the same split' }),
  tolerance: addedLater(number(share, { doc: 'Validation differences up to this are ties: vadc sweep marks the cells within it of the top cell as not separated by validation (default: the measured spread of validation and test micro AUC over test-time mask seeds, 0.01-0.04).', default: 0.03, source: 'bench/RESULTS.md "Validation protocols": the spread of one cell\'s validation micro AUC over test-time mask seeds' })),
}, { doc: 'Validation without test labels: whole training videos held out of training, with the recipe\'s synthetic anomalies pasted in (exact masks and labels); scored every few epochs to draw a curve, choose the epoch (selection) and rank sweep cells. Absent: every training video trains.' });

/** The recipe: every key. Plans list their keys in this order. */
export const recipeKeys = section({
  vadc: custom<1>({ plan: { const: 1 }, recipe: { type: 'integer', minimum: 0 } }, { doc: 'Recipe schema version (1). Older versions are upgraded, newer ones refused.', default: 1 }),
  name: string({ doc: 'Name of the experiment; runs go to runs/<name>/<id>/. Default: the file name without .yaml.' }),
  data,
  model,
  masking,
  loss,
  synthetic_anomalies: syntheticAnomalies,
  stages: list(stage, { doc: 'Training stages in order: the teacher (encoder + decoder), then the student.', minItems: 1, default: STAGE_KINDS.map((kind) => ({ name: kind, ...stageDefaultsOf(kind) }) as TypeOf<typeof stage>) }),
  scoring,
  eval: evaluation,
  runtime,
  sweep: nullable(sweep, { default: null }),
  validation: nullable(validation, { default: null, source: 'vadc: no held-out validation unless the recipe has a `validation:` section' }),
  extends: recipeOnly(custom<string | string[]>({ plan: { type: ['string', 'array'], items: { type: 'string', minLength: 1 }, minItems: 1, minLength: 1 } }, { doc: 'Recipe file(s) this one builds on: a path relative to this file, or a file inside an installed npm package (`@acme/vadc-recipes/ped2.yaml`). Maps merge deeply, lists replace.' })),
}, { doc: 'A vadc recipe: the self-distilled masked auto-encoder for video anomaly detection (Ristea et al., CVPR 2024). Every key is optional; defaults are the paper\'s.' });

/** The declared sections resolution fills in by themselves. */
export const declaredSections = { stage, syntheticData, validation, calibration, optimizer };

function stageDefaultsOf(kind: (typeof STAGE_KINDS)[number]): Record<string, unknown> {
  return fieldDefaults(stage.fields, kind);
}
