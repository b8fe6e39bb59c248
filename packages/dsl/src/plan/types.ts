// The resolved Plan: the single hand-off from the recipe language to the runtime (see DESIGN.md).
// Every knob of the method lives here; the runtime reads nothing else. Keys keep the recipe's snake_case names so
// that an error or an origin can always be named by the same dotted path the user wrote.
// All fields are required after resolution: defaults are filled in by @vadc/dsl, never guessed by the runtime.

/** Dataset layouts the readers understand (see DESIGN.md, Datasets). */
export type DatasetKind = 'avenue' | 'shanghaitech' | 'ucsd-ped1' | 'ucsd-ped2' | 'ubnormal' | 'frames' | 'synthetic';

/** Options of the built-in synthetic benchmark (`dataset: synthetic`). */
export interface SyntheticDataPlan {
  /** Seed of the video generator (independent of runtime.seed, so data stays fixed while training seeds vary). */
  seed: number;
  /** Number of normal training videos. */
  train_videos: number;
  /** Number of test videos (each holds normal stretches and anomalies). */
  test_videos: number;
  /** Frames per video. */
  frames: number;
  /** Native frame size [height, width] of the generated videos (data.size resizes from it, like real data). */
  resolution: [number, number];
  /** People-like walkers per frame, [min, max]. */
  walkers: [number, number];
  /** Kinds of anomaly placed in test videos. */
  anomalies: Array<'running' | 'wrong-direction' | 'loitering' | 'vehicle' | 'thrown-object'>;
}

/** Where the data is and how a frame becomes the model's input. */
export interface DataPlan {
  dataset: DatasetKind;
  /** Dataset root folder (absolute after resolution, or null for `synthetic`). */
  root: string | null;
  /** Model input size [height, width]; frames are resized to it. */
  size: [number, number];
  /** Frame offsets stacked as input channels, e.g. [-3, 0, 3]; must contain 0 (the frame being scored). */
  context: number[];
  /** Motion gradients |frame(t - step) - frame(t + step)|. */
  motion: { step: number };
  /** Folder for cached decoded frames / motion gradients (absolute after resolution); null = `<root or runs>/.vadc-cache`. */
  cache_dir: string | null;
  /**
   * UBnormal (and other) split lists: files with one video name per line. Written relative to the recipe file that
   * names them; absolute after resolution.
   */
  splits: { train: string | null; validation: string | null; test: string | null };
  /** Options of the synthetic benchmark; null unless dataset is `synthetic`. */
  synthetic: SyntheticDataPlan | null;
}

/** Building block of encoder / decoder / student: CvT block with a pointwise-conv MLP or a fully connected MLP. */
export type BlockKind = 'cvt-pointwise' | 'cvt-mlp';
/** How q, k and v are projected inside a CvT block. */
export type QkvProjection = 'dwconv-bn' | 'avg' | 'linear';

/** A stack of transformer blocks. */
export interface StackPlan {
  dim: number;
  depth: number;
  heads: number;
  mlp_ratio: number;
  block: BlockKind;
  qkv: QkvProjection;
}

/** The masked auto-encoder. */
export interface ModelPlan {
  /** Patch size in pixels; divides both sides of data.size. */
  patch: number;
  encoder: StackPlan;
  decoder: StackPlan;
  /** Student branch: taken after decoder block `after_block` (1-based), then `blocks` blocks of its own. */
  student: { after_block: number; blocks: number };
  /** Output channels per pixel: reconstructed frame channels, plus the synthetic-anomaly head. */
  outputs: {
    frame: number;
    /** Channels of the per-pixel anomaly map (0 or 1; the paper uses 1). */
    anomaly_map: number;
    /** A frame-level classifier head: pooled tokens -> probability that a synthetic anomaly was pasted. */
    classifier: boolean;
  };
  /** Dropout after the MLP activation inside blocks (the official PointwiseConvMlp hard-codes 0.1). */
  dropout: number;
}

export interface MaskingPlan {
  /** Share of patch tokens hidden from the encoder (the paper: 0.5). */
  ratio: number;
  /** `random`: uniform; `motion`: keep the tokens with least motion (hide the moving ones). */
  strategy: 'random' | 'motion';
}

export interface LossPlan {
  /** Per-pixel reconstruction error. */
  reconstruction: 'l2' | 'l1';
  /** `motion`: per-patch weights from max-pooled motion gradients; `none`: plain masked-token mean. */
  weighting: 'motion' | 'none';
  /** Which tokens the reconstruction loss covers. */
  tokens: 'masked' | 'all';
  /** Floor magnitude the synthetic anomaly's mask is raised to inside the motion weights, so anomalous tokens count. */
  anomaly_floor: number;
  /** Weight of the anomaly-map channel's loss relative to the frame channels. */
  anomaly_map_weight: number;
  /** Weight of the classifier head's binary cross-entropy. */
  classifier_weight: number;
}

/** Training-time synthetic anomalies. */
export interface SyntheticAnomaliesPlan {
  /** Probability that a training sample gets a pasted anomaly (the paper: 0.25); 0 disables them. */
  probability: number;
  generator: 'procedural' | 'objects' | 'foreground';
  /** Generator options (validated per generator by the schema). */
  options: {
    /** `objects`: folder of object sequences (frames + masks); absolute after resolution. */
    folder: string | null;
    /** Object size as a share of the frame's shorter side, [min, max]. */
    scale: [number, number];
    /** Speed in pixels per frame, [min, max]. */
    speed: [number, number];
    /** Opacity of the pasted object, [min, max]. */
    opacity: [number, number];
  };
}

export interface OptimizerPlan {
  kind: 'adamw' | 'adam' | 'sgd';
  lr: number;
  weight_decay: number;
  betas: [number, number];
  /** Momentum (sgd only). */
  momentum: number;
}

export interface SchedulePlan {
  kind: 'constant' | 'cosine' | 'step';
  warmup_epochs: number;
  /** Floor of the learning rate for `cosine`. */
  min_lr: number;
}

/** Model parts a stage can train or freeze. */
export type ModelPart = 'encoder' | 'decoder' | 'student' | 'anomaly_head' | 'classifier';

export interface StagePlan {
  name: string;
  /** What this stage trains: `teacher` = encoder + teacher decoder with reconstruction loss; `student` = distillation. */
  kind: 'teacher' | 'student';
  epochs: number;
  /** Effective batch (gradients are accumulated over micro-batches to reach it). */
  batch: number;
  /** Largest batch run at once; null = as large as `batch`. */
  micro_batch: number | null;
  optimizer: OptimizerPlan;
  schedule: SchedulePlan;
  /** Parts whose weights do not move in this stage. */
  freeze: ModelPart[];
  loss: 'reconstruction' | 'distillation';
  /** Global gradient-norm clip; null = none. */
  clip_grad: number | null;
  /** Cap on steps per epoch (null = full epoch); useful for quick runs and benchmarks. */
  steps_per_epoch: number | null;
}

export interface ScoringPlan {
  /** alpha, beta, gamma (and the classifier's weight when it exists). */
  weights: { teacher: number; discrepancy: number; anomaly_map: number; classifier: number };
  /** Error kinds for the teacher reconstruction error and the teacher-student discrepancy. */
  errors: { teacher: 'l2' | 'l1'; discrepancy: 'l2' | 'l1' };
  /** Temporal smoothing of frame scores per video. */
  smoothing: { kind: 'none' } | { kind: 'gaussian'; range: number; sigma: number };
  /** Min-max normalise each video's scores (the official ShanghaiTech evaluation does). */
  normalize: boolean;
  /**
   * How a frame's score is read from its combined patch map: null = the mean over all patches (the official score);
   * N = the mean of the N highest patches, so that an anomaly covering a few patches is not averaged away by the
   * rest of the frame. The classifier term (when weighted) is added after pooling.
   */
  top_patches: number | null;
  /** Batch size at scoring time. */
  batch: number;
  /**
   * Pixel-level maps for localization (RBDC / TBDC, pixel AUC): grey-level erosion with an `erode` x `erode`
   * window, then two dilations with a `dilate` x `dilate` window, of the upsampled patch map (the official
   * process_result); 0 skips a step.
   */
  maps: { erode: number; dilate: number };
  /**
   * `vadc run` picks an operating threshold after training (as `vadc calibrate` does) on the training videos held
   * out of training; null = not. Absent in plans written before the key existed.
   */
  calibration?: CalibrationPlan | null;
  /**
   * Test-time masks: each frame is scored `count` times, each time under a mask drawn from the frame's position and
   * runtime.seed (never the input's name or transport), and the per-patch components are averaged; `complementary`
   * draws one token order per frame and hides a different slice of it each pass, so that every patch is hidden once
   * (count = ceil(L / hidden)) and each patch's components come from the pass that hid it. Absent in plans written
   * before the key existed (read as { count: 1, complementary: false }).
   */
  test_masks?: TestMasksPlan;
}

/** How many test-time masks score a frame, and whether they partition the tokens (see ScoringPlan.test_masks). */
export interface TestMasksPlan {
  count: number;
  complementary: boolean;
}

/** How `vadc run` calibrates: a false-alarm target on normal footage, at a frame rate. */
export interface CalibrationPlan {
  target: 'false_alarms_per_hour' | 'false_alarms_per_frame' | 'percentile';
  value: number;
  /** Frame rate of the footage (rates per hour). */
  fps: number;
}

import type { MetricName } from './metric-names.ts';

export type { MetricName };

export interface EvalPlan {
  metrics: MetricName[];
  region_overlap: number;
  track_overlap: number;
  /** Number of thresholds of the anomaly-map sweep for RBDC / TBDC. */
  map_thresholds: number;
}

export type BackendName = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface RuntimePlan {
  backend: BackendName;
  seed: number;
  /** Threads for the wasm backend; 'auto' = all cores. */
  threads: number | 'auto';
  /**
   * Training processes over the micro-batches of a step (worker threads, each with its own single-threaded wasm
   * backend and a copy of the model); 1 = in this thread. Results equal training with 1 worker and the same
   * micro_batch: masks and dropout seeds are drawn in micro-batch order and gradients summed in that order.
   */
  workers: number;
  /**
   * Whether onnxruntime's pool threads spin-wait for the next operator instead of sleeping: 10-20% faster training
   * (6-8% faster scoring) on cores the run has to itself, 15-20% slower where other processes share them.
   */
  spin_wait: boolean;
  /**
   * What trains and scores: `tfjs` (the reference, on `backend`), `onnx` (onnxruntime-node's CPU build: each
   * micro-batch's forward, loss and gradients as one graph, the model exported to ONNX for scoring; same model, loss,
   * masks and optimizer, its own dropout draws) or `auto` (resolved when a command starts: TF.js on a GPU, else the
   * fastest installed CPU engine). Recipes once named it `train_engine` (an alias, with a warning).
   */
  engine: EngineName;
}

/** The engines a recipe may request; `auto` is resolved per command (the resolved one is recorded in run.json). */
export type EngineName = 'auto' | 'tfjs' | 'onnx';
/** The engines that actually run: what `auto` resolves to. */
export type TrainEngineName = 'tfjs' | 'onnx';

/** A grid over dotted recipe keys: every combination is one run (scoring-only keys re-use one trained model). */
export interface SweepPlan {
  grid: Record<string, unknown[]>;
}

/** Metrics a validation split is scored by (frame AUCs and pixel AUC of its pasted anomalies). */
export type ValidationMetricName = 'micro_auc' | 'macro_auc' | 'pixel_auc';

/**
 * Validation without test labels: whole training videos held out from training, with the recipe's own synthetic
 * anomalies pasted into them (seeded, with masks and frame labels), scored every `every` epochs.
 */
export interface ValidationPlan {
  /** Held-out training videos: a count (an integer >= 1), a share of the training videos (0 < x < 1), or names. */
  hold_out: number | string[];
  /** Seed of the held-out draw and of the pasted anomalies (independent of runtime.seed). */
  seed: number;
  /** Validate after every `every` epochs of a stage, and after each stage's last epoch. */
  every: number;
  /** What `selection: best` and `vadc sweep` rank by. */
  metric: ValidationMetricName;
  /** `last`: keep the last epoch; `best`: the validated epoch with the best `metric` (checkpoints/best.ckpt). */
  selection: 'last' | 'best';
  /**
   * Per held-out video: `intervals` disjoint anomalous stretches, each a share [min, max] of the video's frames;
   * except that the first `whole` held-out videos (in held-out order) are made abnormal in every frame and the next
   * `normal` are left normal, so that validation micro AUC also measures whether scores are comparable between
   * videos. `whole` and `normal` are absent in plans written before they existed (read as 0).
   */
  anomalies: { intervals: number; length: [number, number]; whole?: number; normal?: number };
  /**
   * Generator of the pasted anomalies (with synthetic_anomalies.options); null = the recipe's own
   * (synthetic_anomalies.generator). Fix it when a sweep varies the training generator, so that every cell is
   * validated on the same split.
   */
  generator: ValidationGeneratorName | null;
  /**
   * Validation differences up to this are ties: `vadc sweep` marks the cells within it of the top one as not
   * separated by validation. Absent in plans written before the key existed (read as the default).
   */
  tolerance?: number;
}

/**
 * What makes held-out videos abnormal: a synthetic anomaly generator pasted in, or `replay`: the video's own moving
 * regions replayed with a wrong motion (sped up, slowed, reversed or moved off their path), no foreign appearance.
 */
export type ValidationGeneratorName = SyntheticAnomaliesPlan['generator'] | 'replay';

/** A fully resolved recipe. */
export interface Plan {
  vadc: 1;
  name: string;
  data: DataPlan;
  model: ModelPlan;
  masking: MaskingPlan;
  loss: LossPlan;
  synthetic_anomalies: SyntheticAnomaliesPlan;
  stages: StagePlan[];
  scoring: ScoringPlan;
  eval: EvalPlan;
  runtime: RuntimePlan;
  sweep: SweepPlan | null;
  /** Held-out validation (null: train on every training video, no validation). */
  validation: ValidationPlan | null;
}
