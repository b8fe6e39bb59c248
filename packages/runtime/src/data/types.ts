// The contract between the data side of the runtime (readers, motion, synthetic anomalies, loaders) and the model
// side (training, scoring). Tensors are handed over as typed arrays in NHWC order, batch first, float32.
// Value ranges follow the official AED-MAE code: frames in [-1, 1] ((v - 127.5) / 127.5), motion gradients in raw
// pixel units [0, 255] (|frame(t - step) - frame(t + step)| of the uint8 frames), masks in {0, 1}.

/** A batch of training samples. B = size, H x W = plan.data.size, C = 3 * plan.data.context.length. */
export interface TrainingBatch {
  size: number;
  height: number;
  width: number;
  /** [B, H, W, C]: the context frames stacked channel-wise in plan.data.context order (e.g. t-3, t, t+3). */
  input: Float32Array;
  /** [B, H, W, 3]: the clean current frame (the reconstruction target; a pasted anomaly is not in it). */
  target: Float32Array;
  /** [B, H, W, 3]: motion gradients of the current frame, |f(t - step) - f(t + step)| per channel, in [0, 255]. */
  motion: Float32Array;
  /** [B, H, W, 1]: the synthetic anomaly's mask, 1 inside the pasted object, all zeros when none was pasted. */
  anomalyMask: Float32Array;
  /** [B]: 1 when a synthetic anomaly was pasted into the sample, else 0. */
  hasAnomaly: Float32Array;
}

/** A batch of consecutive test frames of one video (no synthetic anomalies). */
export interface TestBatch {
  size: number;
  height: number;
  width: number;
  /** 0-based frame indices within the video, one per sample. */
  frames: number[];
  /** [B, H, W, C] as in TrainingBatch. */
  input: Float32Array;
  /** [B, H, W, 3]: motion gradients as in TrainingBatch (used by motion-guided masking). */
  motion: Float32Array;
}

/** Ground truth of one test video, at the video's native resolution. */
export interface VideoTruth {
  /** One 0/1 label per frame. */
  labels: number[];
  /** Native frame size [height, width]. */
  resolution: [number, number];
  /** Per-frame pixel masks (frame index -> H*W 0/1 bytes at native resolution), when the dataset has them. */
  masks: Map<number, Uint8Array> | null;
  /** GT regions per frame (frame index -> boxes with track ids), for RBDC / TBDC. Inclusive [x1, y1, x2, y2]. */
  regions: Map<number, Array<{ trackId: number; box: [number, number, number, number] }>> | null;
}

/** A test video as the scorer sees it. */
export interface TestVideo {
  name: string;
  frameCount: number;
  truth: VideoTruth | null;
  /** Streams the video's frames in order, `batchSize` at a time, without holding the video in memory. */
  batches(batchSize: number): AsyncIterable<TestBatch>;
}

/** A video as a dataset reader exposes it: frames decoded on demand at native resolution. */
export interface VideoSource {
  name: string;
  frameCount: number;
  /** Native [height, width]. */
  resolution: [number, number];
  /**
   * Frames per second a video file declares (null: it declares none usable, e.g. an AVI rate of 0); absent for
   * sources without a rate of their own (frame folders, generated videos).
   */
  frameRate?: number | null;
  /** Frame `index` (0-based) as interleaved RGB uint8, height x width x 3, at native resolution. */
  readFrame(index: number): Promise<Uint8Array>;
  /** Ground truth (test videos of labelled datasets), else null. */
  truth: VideoTruth | null;
}

/** A dataset's splits as readers find them on disk (or generate them, for `synthetic`). */
export interface DatasetSource {
  train: VideoSource[];
  /** Present when the recipe declares a validation split. */
  validation: VideoSource[];
  test: VideoSource[];
}
