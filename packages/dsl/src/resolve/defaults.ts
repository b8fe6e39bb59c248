// Built-in defaults: the paper's method as the official code (ristea/aed-mae) runs it on Avenue, so that a short
// recipe resolves to a complete Plan. Each default says where it comes from; "vadc" marks our own choices for knobs
// the official code does not have.
import type { CalibrationPlan, OptimizerPlan, Plan, ScoringPlan, StagePlan, SyntheticDataPlan, ValidationPlan } from '../plan/types.ts';

/** Defaults of every section except `name`, `stages` and `data.synthetic`, which depend on other values. */
export const sectionDefaults: Omit<Plan, 'name' | 'stages' | 'data'> & { data: Omit<Plan['data'], 'dataset' | 'synthetic'> } = {
  vadc: 1,
  data: {
    root: null, // required unless synthetic (checked across fields)
    size: [320, 640], // configs.py get_configs_avenue: input_size = (320, 640)
    context: [-3, 0, 3], // train_dataset.py: read_prev_next_frame_if_exists(direction=-3 / 3)
    motion: { step: 1 }, // extract_gradients.py: compute_gradients(root, 1, ...)
    cache_dir: null, // vadc: <root or runs>/.vadc-cache
    splits: { train: null, validation: null, test: null }, // vadc: the dataset's own split
  },
  model: {
    patch: 16, // model_factory.py mae_cvt_patch16 (Avenue; ShanghaiTech uses patch 8)
    encoder: { dim: 256, depth: 3, heads: 4, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' }, // mae_cvt_patch16; cvt.py Block
    decoder: { dim: 128, depth: 3, heads: 4, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' }, // decoder_embed_dim 128, depth 3, heads 4
    student: { after_block: 1, blocks: 1 }, // mae_cvt.py: student_depth = 1, one decoder_student_block
    outputs: { frame: 3, anomaly_map: 1, classifier: false }, // mae_cvt.py: out_chans = 4 (RGB + anomaly map)
    dropout: 0.1, // cvt.py PointwiseConvMlp: nn.Dropout(0.1) after the GELU (hard-coded there)
  },
  masking: { ratio: 0.5, strategy: 'random' }, // configs.py: mask_ratio 0.5, masking_method "random_masking"
  loss: {
    reconstruction: 'l2', // mae_cvt.py forward_loss: (pred - target) ** 2
    weighting: 'motion', // configs.py: grad_weighted_rec_loss = True
    tokens: 'all', // mae_cvt.py forward_loss: with motion weights the sum runs over all tokens, not only masked ones
    anomaly_floor: 0.5, // mae_cvt.py: min_magnitude_anomaly = 128 on 0..255 gradients, about 0.5 on a [0, 1] scale
    anomaly_map_weight: 1, // mae_cvt.py: the anomaly map is a 4th channel in the same per-pixel mean
    classifier_weight: 1, // vadc: the classifier head is our extension (off by default)
  },
  synthetic_anomalies: {
    probability: 0.25, // configs.py: percent_abnormal = 0.25
    generator: 'procedural', // vadc: the official code pastes pre-rendered UBnormal objects; procedural needs no files
    options: { folder: null, scale: [0.1, 0.3], speed: [1, 4], opacity: [0.8, 1] }, // vadc
  },
  scoring: {
    weights: { teacher: 0.5, discrepancy: 0.5, anomaly_map: 0.5, classifier: 0 }, // paper: alpha = beta = gamma = 0.5
    errors: { teacher: 'l2', discrepancy: 'l2' }, // configs.py avenue: abnormal_score_func ['L2', 'L2']
    smoothing: { kind: 'gaussian', range: 38, sigma: 11 }, // inference.py avenue: filt(range=38, mu=11)
    normalize: false, // inference.py avenue: normalize_scores=False
    top_patches: null, // mae_cvt.py: a frame's error is the mean over all its patches
    batch: 100, // main.py: the test loader uses batch_size (100)
    maps: { erode: 2, dilate: 3 }, // mae_cvt.py process_result: Erosion2d(.., 2) once, Dilation2d(.., 3) twice
    calibration: null, // vadc: the official code has no operating threshold
    test_masks: { count: 1, complementary: false }, // inference.py: one random mask per frame (vadc: drawn from the frame's position)
  },
  eval: { metrics: ['micro_auc', 'macro_auc'], region_overlap: 0.1, track_overlap: 0.1, map_thresholds: 50 }, // RBDC/TBDC: overlap 0.1 (Ramachandra & Jones); vadc: 50 thresholds
  runtime: { backend: 'auto', seed: 0, threads: 'auto', workers: 1, spin_wait: true, engine: 'auto' }, // vadc; spin_wait: onnxruntime's own default
  sweep: null,
  validation: null, // vadc: no held-out validation unless the recipe has a `validation:` section
};

/** Gaussian smoothing when `kind: gaussian` is written without range or sigma (Avenue's values). */
export const gaussianSmoothingDefaults: Extract<ScoringPlan['smoothing'], { kind: 'gaussian' }> = { kind: 'gaussian', range: 38, sigma: 11 };

/** The optimizer of both stages: main.py builds AdamW(lr=1e-4, betas=(0.9, 0.95)) with weight_decay 0.05. */
export const optimizerDefaults: OptimizerPlan = { kind: 'adamw', lr: 1e-4, weight_decay: 0.05, betas: [0.9, 0.95], momentum: 0 };

/** Stage defaults by kind: configs.py trains 200 epochs with batch 100, the student from start_TS_epoch = 100. */
export const stageDefaults: Record<StagePlan['kind'], Omit<StagePlan, 'name'>> = {
  teacher: {
    kind: 'teacher',
    epochs: 100, // epochs 0..99 (start_TS_epoch = 100)
    batch: 100,
    micro_batch: null,
    optimizer: optimizerDefaults,
    schedule: { kind: 'constant', warmup_epochs: 0, min_lr: 0 }, // main.py: no scheduler
    freeze: [],
    loss: 'reconstruction',
    clip_grad: null,
    steps_per_epoch: null,
  },
  student: {
    kind: 'student',
    epochs: 100, // epochs 100..199
    batch: 100,
    micro_batch: null,
    optimizer: optimizerDefaults,
    schedule: { kind: 'constant', warmup_epochs: 0, min_lr: 0 },
    freeze: ['encoder', 'decoder', 'anomaly_head'], // mae_cvt.py freeze_backbone: all but the student branch
    loss: 'distillation', // mae_cvt.py forward_loss_TS
    clip_grad: null,
    steps_per_epoch: null,
  },
};

/** The stages when a recipe names none: teacher, then student. */
export const defaultStages: StagePlan[] = [
  { name: 'teacher', ...stageDefaults.teacher },
  { name: 'student', ...stageDefaults.student },
];

/** Options of the synthetic benchmark (vadc's own). */
export const syntheticDataDefaults: SyntheticDataPlan = {
  seed: 1,
  train_videos: 8,
  test_videos: 4,
  frames: 64,
  resolution: [120, 160],
  walkers: [2, 5],
  anomalies: ['running', 'wrong-direction', 'loitering', 'vehicle', 'thrown-object'],
};

/** A `validation:` section's defaults (vadc's own: the official code validates on test labels). */
export const validationDefaults: ValidationPlan = {
  hold_out: 0.2, // a fifth of the training videos, at least one
  seed: 0,
  every: 1,
  metric: 'micro_auc', // the headline metric of every shipped recipe
  selection: 'last',
  anomalies: { intervals: 2, length: [0.1, 0.25], whole: 0, normal: 0 },
  generator: null, // the recipe's synthetic_anomalies.generator
  tolerance: 0.01, // bench/RESULTS.md "Validation protocols": the spread of one cell's validation micro AUC over test-time mask seeds
};

/** Options of `scoring.calibration` when a recipe writes the section (vadc's own): one false alarm per hour at 25 fps. */
export const calibrationDefaults: CalibrationPlan = { target: 'false_alarms_per_hour', value: 1, fps: 25 };
