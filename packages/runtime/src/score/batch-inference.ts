// The seam between the engines and the scorer, in a file of its own so that the scorer (score-video.ts) and the
// test-time mask passes (test-mask-passes.ts) share it without importing each other.
import type { TestBatch } from '../data/types.ts';
import type { FrameOutputs } from '../model/inference.ts';
import type { TestMaskPass } from '../model/test-mask.ts';

/** Runs one test batch through a trained model (TF.js or another engine) under one test-time mask. */
export type BatchInference = (batch: TestBatch, pass: TestMaskPass) => Promise<FrameOutputs>;
