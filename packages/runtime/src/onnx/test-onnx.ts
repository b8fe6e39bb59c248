// Whether tests that need onnxruntime-node (an optional dependency) can run here. Where it is absent they are
// skipped, so the suite passes on a machine without it (the engine falls back to TF.js, tested by the CLI's
// engine-choice test); where VADC_REQUIRE_ONNX=1 (set by .ci/run) its absence fails a test instead, so CI never
// skips them unnoticed.
import { onnxRuntimeAvailable } from './onnxruntime.ts';

export const onnxInstalled = await onnxRuntimeAvailable();
