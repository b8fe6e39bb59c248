// Typed errors of the ONNX export and the onnxruntime engine, with a code for programs (the CLI maps them to exit
// statuses and one-line messages).

/** What can go wrong exporting to ONNX or running the exported graph. */
export type OnnxErrorCode =
  /** `onnxruntime-node` is not installed or its native binding does not load here. */
  | 'ONNX_RUNTIME_UNAVAILABLE'
  /** The model holds something the exporter has no ONNX mapping for. */
  | 'ONNX_UNSUPPORTED'
  /** onnxruntime rejected the graph or failed while running it. */
  | 'ONNX_SESSION_FAILED'
  /** An input does not fit the exported graph (wrong frame size or a batch the graph was not exported for). */
  | 'ONNX_BAD_INPUT';

/** A failure of the ONNX export or engine. */
export class OnnxError extends Error {
  override name = 'OnnxError';
  readonly code: OnnxErrorCode;

  constructor(code: OnnxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
