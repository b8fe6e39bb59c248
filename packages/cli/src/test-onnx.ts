// Whether tests that need onnxruntime-node (an optional dependency) can run here: where it is absent they are
// skipped by name, so the suite passes on a machine without it; .ci/run sets VADC_REQUIRE_ONNX=1, and then its
// absence fails run/engine-choice.test.ts instead, so CI never skips them unnoticed.
import { onnxRuntimeAvailable } from '@vadc/runtime';

export const onnxInstalled = await onnxRuntimeAvailable();
