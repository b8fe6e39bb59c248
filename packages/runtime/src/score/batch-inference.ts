// The seam between the engines and the scorer is engine/engine.ts; its BatchInference is named here too, so that the
// scorer (score-video.ts) and the test-time mask passes (test-mask-passes.ts) share it without importing each other.
export type { BatchInference } from '../engine/engine.ts';
