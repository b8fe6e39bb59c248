// int8 scoring as a graph-to-graph pass over an encoded ModelProto (whatever built it: export-onnx.ts, a model
// package's model.onnx). Every MatMul / Gemm whose weight is a constant float initializer becomes dynamic
// quantization in standard ONNX ops:
//
//   DynamicQuantizeLinear(A) -> A_q (uint8), a_scale, a_zero
//   MatMulInteger(A_q, W_q int8, a_zero) -> int32 -> Cast float -> Mul (a_scale * w_scale[N]) [-> Add bias]
//
// which onnxruntime's MatMulIntegerToFloat and DynamicQuantizeMatMul fusions turn into one u8 x s8 kernel (VNNI's
// VPDPBUSD where the CPU has it); onnx.reference and any other runtime run the same nodes unfused. Weights are
// quantized offline, symmetric (zero point 0, range +-127) per output column, so a column of small weights keeps its
// resolution; activations get one scale per tensor per run (asymmetric uint8), computed from the batch itself, so
// nothing is calibrated. Attention's activation x activation products, convolutions (depthwise 3x3 here: no integer
// kernel pays for them) and every elementwise op stay float32. Fields the pass does not touch (graph inputs,
// outputs, metadata, opsets, other initializers) are copied byte for byte.
import type { PRECISION_NAMES } from '@vadc/dsl';
import { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-fields.ts';
import { encodeNode, encodeTensor, int, OnnxType, type OnnxAttribute, type OnnxNode } from './onnx-graph.ts';
import { fieldBytes, fieldInt, fieldText, readFields, type ProtoField } from './protobuf-reader.ts';
import { ProtoWriter } from './protobuf.ts';

/** Arithmetic precision of the scoring graph: as built, or with its weight products in int8 (runtime.precision). */
export type ScoringPrecision = (typeof PRECISION_NAMES)[number];

/** What the pass did. */
export interface QuantizeSummary {
  /** Names of the MatMul / Gemm nodes now computed in int8, in graph order. */
  quantized: string[];
  /** MatMul / Gemm nodes left in float32, with why (e.g. both operands computed: attention). */
  kept: { node: string; reason: string }[];
}

interface ReadNode {
  op: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** Integer and float attributes by name (the only kinds the pass reads). */
  numbers: Map<string, number>;
}

interface ReadTensor {
  name: string;
  type: number;
  dims: number[];
  /** raw_data, or null when the values are stored in a typed field (float_data ...): such weights are left alone. */
  raw: Uint8Array | null;
}

function readNode(bytes: Uint8Array): ReadNode {
  const node: ReadNode = { op: '', domain: '', name: '', inputs: [], outputs: [], numbers: new Map() };
  for (const field of readFields(bytes)) {
    if (field.field === NodeProto.input) node.inputs.push(fieldText(field));
    else if (field.field === NodeProto.output) node.outputs.push(fieldText(field));
    else if (field.field === NodeProto.name) node.name = fieldText(field);
    else if (field.field === NodeProto.opType) node.op = fieldText(field);
    else if (field.field === NodeProto.domain) node.domain = fieldText(field);
    else if (field.field === NodeProto.attribute) {
      const attribute = readFields(fieldBytes(field));
      const name = attribute.find((part) => part.field === AttributeProto.name);
      const integer = attribute.find((part) => part.field === AttributeProto.i);
      const real = attribute.find((part) => part.field === AttributeProto.f && part.wire === 5);
      if (name === undefined) continue;
      if (integer !== undefined) node.numbers.set(fieldText(name), fieldInt(integer));
      else if (real !== undefined && real.value instanceof Uint8Array) node.numbers.set(fieldText(name), new DataView(real.value.slice().buffer).getFloat32(0, true));
    }
  }
  return node;
}

function readTensor(bytes: Uint8Array): ReadTensor {
  const tensor: ReadTensor = { name: '', type: 0, dims: [], raw: null };
  for (const field of readFields(bytes)) {
    if (field.field === TensorProto.dims) {
      // dims may be written packed (one length-delimited field) or one varint per dim.
      if (field.wire === 2) tensor.dims.push(...readPackedVarints(fieldBytes(field)));
      else tensor.dims.push(fieldInt(field));
    } else if (field.field === TensorProto.dataType) tensor.type = fieldInt(field);
    else if (field.field === TensorProto.name) tensor.name = fieldText(field);
    else if (field.field === TensorProto.rawData) tensor.raw = fieldBytes(field);
  }
  return tensor;
}

function readPackedVarints(bytes: Uint8Array): number[] {
  // A packed run of varints reads as fields of a message whose tags are the values; decode them directly instead.
  const values: number[] = [];
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      values.push(value);
      value = 0;
      scale = 1;
    } else scale *= 128;
  }
  return values;
}

/** A [K, N] float32 weight as int8 per output column n: q = round(w / s_n), s_n = max |w[:, n]| / 127. */
export function quantizeColumns(weight: Float32Array, rows: number, columns: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(columns);
  for (let k = 0; k < rows; k++) {
    for (let n = 0; n < columns; n++) scales[n] = Math.max(scales[n] as number, Math.abs(weight[k * columns + n] as number));
  }
  for (let n = 0; n < columns; n++) scales[n] = (scales[n] as number) > 0 ? (scales[n] as number) / 127 : 1;
  const values = new Int8Array(rows * columns);
  for (let k = 0; k < rows; k++) {
    for (let n = 0; n < columns; n++) values[k * columns + n] = Math.max(-127, Math.min(127, Math.round((weight[k * columns + n] as number) / (scales[n] as number))));
  }
  return { values, scales };
}

/** float32 values of a raw little-endian initializer (copied: raw_data need not be 4-byte aligned). */
function floatsOf(raw: Uint8Array): Float32Array {
  return new Float32Array(raw.slice().buffer);
}

/** Why a MatMul / Gemm cannot take the int8 path whatever its weight, or null. */
function unsupportedNode(node: ReadNode): string | null {
  if (node.op === 'Gemm') {
    if ((node.numbers.get('transA') ?? 0) !== 0) return 'Gemm with transA';
    if ((node.numbers.get('alpha') ?? 1) !== 1 || (node.numbers.get('beta') ?? 1) !== 1) return 'Gemm with alpha or beta other than 1';
  }
  return null;
}

/** Why a weight cannot take the int8 path, or null when it can. */
function unsupportedWeight(weight: ReadTensor | undefined): string | null {
  if (weight === undefined) return 'its weight is computed, not a constant initializer';
  if (weight.type !== OnnxType.float || weight.raw === null) return 'its weight is not raw float32 data';
  if (weight.dims.length !== 2) return `its weight has rank ${weight.dims.length}, not 2`;
  return null;
}

/**
 * The int8 form of an encoded scoring graph (see the head of this file), and what was quantized. Throws RangeError
 * when the bytes are not a ModelProto this reader can split.
 */
export function quantizeInt8(model: Uint8Array): { bytes: Uint8Array; summary: QuantizeSummary } {
  const modelFields = readFields(model);
  const graphField = modelFields.find((field) => field.field === ModelProto.graph);
  if (graphField === undefined) throw new RangeError('quantize: the model has no graph');
  const graphFields = readFields(fieldBytes(graphField));

  const tensors = new Map<string, ReadTensor>();
  const names = new Set<string>();
  const nodes = new Map<ProtoField, ReadNode>();
  const uses = new Map<string, number>();
  for (const field of graphFields) {
    if (field.field === GraphProto.initializer) {
      const tensor = readTensor(fieldBytes(field));
      tensors.set(tensor.name, tensor);
      names.add(tensor.name);
    } else if (field.field === GraphProto.node) {
      const node = readNode(fieldBytes(field));
      nodes.set(field, node);
      for (const input of node.inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
      for (const output of node.outputs) names.add(output);
      names.add(node.name);
    }
  }
  const fresh = (base: string): string => {
    let name = base;
    for (let n = 1; names.has(name); n++) name = `${base}_${n}`;
    names.add(name);
    return name;
  };

  // A weight joined from initializers in the graph (the prediction head's frame and anomaly columns) is folded here,
  // as onnxruntime's constant folding would, so that its product takes the integer path too.
  const producers = new Map<string, { field: ProtoField; node: ReadNode }>();
  for (const [field, node] of nodes) for (const output of node.outputs) producers.set(output, { field, node });
  const folded = new Set<ProtoField>();
  /** Float initializers a replaced product or folded join read: dropped once nothing else reads them. */
  const released = new Set<string>();
  const constantWeight = (name: string): ReadTensor | undefined => {
    const initializer = tensors.get(name);
    if (initializer !== undefined) return initializer;
    const producer = producers.get(name);
    if (producer === undefined || producer.node.op !== 'Concat' || producer.node.domain !== '') return undefined;
    const parts = producer.node.inputs.map((input) => tensors.get(input));
    if (parts.some((part) => part === undefined || part.type !== OnnxType.float || part.raw === null || part.dims.length !== 2)) return undefined;
    const matrices = parts as (ReadTensor & { raw: Uint8Array })[];
    const axis = producer.node.numbers.get('axis') ?? 0;
    const joined = concatMatrices(matrices.map((part) => ({ values: floatsOf(part.raw), rows: part.dims[0] ?? 0, columns: part.dims[1] ?? 0 })), axis < 0 ? axis + 2 : axis);
    if (joined === null) return undefined;
    if ((uses.get(name) ?? 0) === 1) {
      folded.add(producer.field); // its only reader is the product: the join and its float inputs go with it
      for (const input of producer.node.inputs) {
        uses.set(input, (uses.get(input) ?? 0) - 1);
        released.add(input);
      }
    }
    return { name, type: OnnxType.float, dims: [joined.rows, joined.columns], raw: new Uint8Array(joined.values.buffer) };
  };

  const summary: QuantizeSummary = { quantized: [], kept: [] };
  const added: ProtoWriter[] = [];
  const quantizedWeights = new Map<string, { values: string; scales: string }>();
  const replaced = new Map<ProtoField, OnnxNode[]>();
  for (const [field, node] of nodes) {
    if (node.domain !== '' || (node.op !== 'MatMul' && node.op !== 'Gemm')) continue;
    const weightName = node.inputs[1] ?? '';
    const nodeReason = unsupportedNode(node);
    const weight = nodeReason === null ? constantWeight(weightName) : undefined;
    const reason = nodeReason ?? unsupportedWeight(weight);
    if (reason !== null || weight === undefined || weight.raw === null) {
      summary.kept.push({ node: node.name, reason: reason ?? '' });
      continue;
    }
    const transposed = node.op === 'Gemm' && (node.numbers.get('transB') ?? 0) !== 0;
    const [rows = 0, columns = 0] = transposed ? [weight.dims[1], weight.dims[0]] : weight.dims;
    let quantized = quantizedWeights.get(`${weightName}:${transposed}`);
    if (quantized === undefined) {
      let floats = floatsOf(weight.raw);
      if (transposed) floats = transpose(floats, columns, rows);
      const { values, scales } = quantizeColumns(floats, rows, columns);
      quantized = { values: fresh(`${weightName}.int8`), scales: fresh(`${weightName}.int8_scale`) };
      added.push(encodeTensor({ name: quantized.values, type: OnnxType.int8, dims: [rows, columns], raw: new Uint8Array(values.buffer) }));
      added.push(encodeTensor({ name: quantized.scales, type: OnnxType.float, dims: [columns], raw: new Uint8Array(scales.buffer) }));
      quantizedWeights.set(`${weightName}:${transposed}`, quantized);
    }
    uses.set(weightName, (uses.get(weightName) ?? 0) - 1);
    released.add(weightName);
    const output = node.outputs[0] ?? '';
    const value = (suffix: string): string => fresh(`${output}/int8/${suffix}`);
    const step = (op: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttribute> = {}): OnnxNode =>
      ({ op, domain: '', name: fresh(`${node.name}/int8/${op}`), inputs, outputs, attributes });
    const [activation, activationScale, activationZero] = [value('a'), value('a_scale'), value('a_zero')];
    const [product, productFloat, scale] = [value('product'), value('product_float'), value('scale')];
    const bias = node.op === 'Gemm' ? node.inputs[2] : undefined;
    const scaled = bias === undefined || bias === '' ? output : value('scaled');
    const steps = [
      step('DynamicQuantizeLinear', [node.inputs[0] ?? ''], [activation, activationScale, activationZero]),
      step('MatMulInteger', [activation, quantized.values, activationZero], [product]),
      step('Cast', [product], [productFloat], { to: int(OnnxType.float) }),
      step('Mul', [activationScale, quantized.scales], [scale]),
      step('Mul', [productFloat, scale], [scaled]),
    ];
    if (scaled !== output) steps.push(step('Add', [scaled, bias as string], [output]));
    replaced.set(field, steps);
    summary.quantized.push(node.name);
  }

  const graphOutputs = new Set(graphFields.filter((field) => field.field === GraphProto.output).map((field) => fieldText(readFields(fieldBytes(field)).find((part) => part.field === ValueInfoProto.name) as ProtoField)));
  const replacedFloats = (field: ProtoField): boolean => {
    const name = readTensor(fieldBytes(field)).name;
    return released.has(name) && (uses.get(name) ?? 0) <= 0 && !graphOutputs.has(name);
  };
  const graph = new ProtoWriter();
  for (const field of graphFields) {
    const steps = replaced.get(field);
    if (steps !== undefined) {
      for (const step of steps) graph.message(GraphProto.node, encodeNode(step));
    } else if (folded.has(field)) {
      // a join of weights folded into an int8 weight: dropped
    } else if (field.field === GraphProto.initializer && replacedFloats(field)) {
      // a float weight every reader of which now reads its int8 copy: dropped
    } else graph.raw(field.raw);
  }
  for (const tensor of added) graph.message(GraphProto.initializer, tensor);
  const out = new ProtoWriter();
  for (const field of modelFields) {
    if (field === graphField) out.message(ModelProto.graph, graph);
    else out.raw(field.raw);
  }
  return { bytes: out.finish(), summary };
}

/** Row-major matrices joined along rows (axis 0) or columns (axis 1); null when their other sides differ. */
function concatMatrices(parts: { values: Float32Array; rows: number; columns: number }[], axis: number): { values: Float32Array; rows: number; columns: number } | null {
  if (parts.length === 0 || (axis !== 0 && axis !== 1)) return null;
  const first = parts[0] as (typeof parts)[number];
  if (axis === 0) {
    if (parts.some((part) => part.columns !== first.columns)) return null;
    const values = new Float32Array(parts.reduce((total, part) => total + part.values.length, 0));
    let offset = 0;
    for (const part of parts) {
      values.set(part.values, offset);
      offset += part.values.length;
    }
    return { values, rows: values.length / first.columns, columns: first.columns };
  }
  if (parts.some((part) => part.rows !== first.rows)) return null;
  const columns = parts.reduce((total, part) => total + part.columns, 0);
  const values = new Float32Array(first.rows * columns);
  for (let row = 0; row < first.rows; row++) {
    let offset = row * columns;
    for (const part of parts) {
      values.set(part.values.subarray(row * part.columns, (row + 1) * part.columns), offset);
      offset += part.columns;
    }
  }
  return { values, rows: first.rows, columns };
}

function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c] as number;
  return out;
}

/** How many nodes of each op type an encoded model's graph holds (what a test counts integer ops with). */
export function countOps(model: Uint8Array): Map<string, number> {
  const graphField = readFields(model).find((field) => field.field === ModelProto.graph);
  const counts = new Map<string, number>();
  if (graphField === undefined) return counts;
  for (const field of readFields(fieldBytes(graphField))) {
    if (field.field !== GraphProto.node) continue;
    const { op } = readNode(fieldBytes(field));
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  return counts;
}
