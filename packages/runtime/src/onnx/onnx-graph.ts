// An ONNX graph under construction and its encoding as a ModelProto (onnx.proto field numbers, opset 17, IR 8).
// Nodes are added in execution order (ONNX requires a topologically sorted graph, which building the graph in the
// order the model computes gives for free); every value gets a unique name from the scope it was made in.
// Initializers are float32 / int64 `raw_data` (little-endian, which is what typed arrays hold on x86 and ARM).
import { ProtoWriter } from './protobuf.ts';

/** The opset the exported graphs use (LayerNormalization needs 17). */
export const ONNX_OPSET = 17;
/** The IR version that goes with opset 17. */
export const ONNX_IR_VERSION = 8;

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
/** An element type of a graph value. */
export type OnnxElementType = (typeof OnnxType)[keyof typeof OnnxType];

/** A node attribute, tagged by its ONNX kind. */
export type OnnxAttribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] };

/** Attribute helpers: `{ axis: int(-1) }`. */
export const int = (value: number): OnnxAttribute => ({ kind: 'int', value });
export const float = (value: number): OnnxAttribute => ({ kind: 'float', value });
export const ints = (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value });

/** A dimension of a graph input / output: a fixed size or a symbolic name (e.g. 'batch'). */
export type OnnxDimension = number | string;

/** A node as NodeProto holds it. */
export interface OnnxNode {
  op: string;
  /** '' for the standard ops, 'com.microsoft' for onnxruntime's contrib ops. */
  domain: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Record<string, OnnxAttribute>;
}

/** An initializer as TensorProto holds it (raw little-endian bytes). */
export interface OnnxInitializer {
  name: string;
  type: OnnxElementType;
  dims: readonly number[];
  raw: Uint8Array;
}

interface ValueInfo {
  name: string;
  type: OnnxElementType;
  dims: readonly OnnxDimension[];
}

/** A graph being built: inputs, initializers, nodes and outputs. */
export class OnnxGraph {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxInitializer[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private readonly int64Constants = new Map<string, string>();
  private readonly floatScalars = new Map<number, string>();

  constructor(readonly name: string) {}

  /** Declares a graph input. */
  input(name: string, type: OnnxElementType, dims: readonly OnnxDimension[]): string {
    this.inputs.push({ name: this.claim(name), type, dims });
    return name;
  }

  /** Declares `value` as a graph output called `name` (an Identity node renames it). */
  output(value: string, name: string, type: OnnxElementType, dims: readonly OnnxDimension[]): void {
    this.nodes.push({ op: 'Identity', domain: '', name: this.unique(`${name}/identity`), inputs: [value], outputs: [this.claim(name)], attributes: {} });
    this.outputs.push({ name, type, dims });
  }

  /** A float32 initializer (a weight). */
  floats(name: string, values: Float32Array, dims: readonly number[]): string {
    if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${values.length} values for dims [${dims.join(', ')}]`);
    const unique = this.unique(name);
    this.initializers.push({ name: unique, type: OnnxType.float, dims, raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice() });
    return unique;
  }

  /** A float32 scalar initializer; equal values share one. */
  scalar(name: string, value: number): string {
    const key = Math.fround(value);
    const known = this.floatScalars.get(key);
    if (known !== undefined) return known;
    const created = this.floats(name, Float32Array.of(value), []);
    this.floatScalars.set(key, created);
    return created;
  }

  /** A 1-D int64 initializer (shapes, axes, indices); equal values share one initializer. */
  int64s(values: readonly number[]): string {
    const key = values.join(',');
    const known = this.int64Constants.get(key);
    if (known !== undefined) return known;
    const unique = this.unique(`const_i64_${values.length}`);
    const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
    this.initializers.push({ name: unique, type: OnnxType.int64, dims: [values.length], raw });
    this.int64Constants.set(key, unique);
    return unique;
  }

  /** Adds a node with one output; returns the output's name (made from `scope`). */
  node(op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}, scope = op): string {
    return this.nodeIn('', op, inputs, attributes, scope);
  }

  /** Adds a node of an operator domain other than the standard one (e.g. 'com.microsoft'). */
  nodeIn(domain: string, op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}, scope = op): string {
    return this.nodeWithOutputs(domain, op, inputs, attributes, 1, scope)[0] as string;
  }

  /** Adds a node with `count` outputs (e.g. LayerNormalization's Y, Mean, InvStdDev); returns their names. */
  nodeWithOutputs(domain: string, op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute>, count: number, scope = op): string[] {
    const outputs = Array.from({ length: count }, (_, index) => this.unique(index === 0 ? scope : `${scope}:${index}`));
    this.nodes.push({ op, domain, name: this.unique(`${scope}/node`), inputs, outputs, attributes });
    return outputs;
  }

  /** The ModelProto bytes, with `metadata` as its metadata_props (key / value strings). */
  encode(producer: { name: string; version: string }, docString = '', metadata: Record<string, string> = {}): Uint8Array {
    const graph = new ProtoWriter();
    for (const node of this.nodes) graph.message(1, encodeNode(node));
    graph.string(2, this.name);
    for (const initializer of this.initializers) graph.message(5, encodeTensor(initializer));
    if (docString !== '') graph.string(10, docString);
    for (const input of this.inputs) graph.message(11, encodeValueInfo(input));
    for (const output of this.outputs) graph.message(12, encodeValueInfo(output));
    const model = new ProtoWriter()
      .varint(1, ONNX_IR_VERSION)
      .string(2, producer.name)
      .string(3, producer.version)
      .message(7, graph)
      .message(8, new ProtoWriter().string(1, '').varint(2, ONNX_OPSET));
    const domains = new Set(this.nodes.map((node) => node.domain).filter((domain) => domain !== ''));
    for (const domain of domains) model.message(8, new ProtoWriter().string(1, domain).varint(2, 1));
    for (const [key, value] of Object.entries(metadata)) model.message(14, new ProtoWriter().string(1, key).string(2, value));
    return model.finish();
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX value ${name} defined twice`);
    this.used.add(name);
    return name;
  }

  private unique(base: string): string {
    let name = base;
    for (let n = 1; this.used.has(name); n++) name = `${base}_${n}`;
    return this.claim(name);
  }
}

/** NodeProto of a node. */
export function encodeNode(node: OnnxNode): ProtoWriter {
  const out = new ProtoWriter();
  for (const input of node.inputs) out.string(1, input);
  for (const output of node.outputs) out.string(2, output);
  out.string(3, node.name).string(4, node.op);
  for (const [name, attribute] of Object.entries(node.attributes)) out.message(5, encodeAttribute(name, attribute));
  if (node.domain !== '') out.string(7, node.domain);
  return out;
}

// AttributeProto: name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7).
function encodeAttribute(name: string, attribute: OnnxAttribute): ProtoWriter {
  const out = new ProtoWriter().string(1, name);
  switch (attribute.kind) {
    case 'float':
      return out.float(2, attribute.value).varint(20, 1);
    case 'int':
      return out.varint(3, attribute.value).varint(20, 2);
    case 'ints':
      for (const value of attribute.value) out.varint(8, value);
      return out.varint(20, 7);
  }
}

// TensorProto: dims 1, data_type 2, name 8, raw_data 9.
/** TensorProto of an initializer. */
export function encodeTensor(tensor: OnnxInitializer): ProtoWriter {
  const out = new ProtoWriter();
  for (const dim of tensor.dims) out.varint(1, dim);
  return out.varint(2, tensor.type).string(8, tensor.name).bytes(9, tensor.raw);
}

// ValueInfoProto { name 1, type 2: TypeProto { tensor_type 1: { elem_type 1, shape 2: { dim 1: { value 1 | param 2 } } } } }.
function encodeValueInfo(info: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.dims) shape.message(1, typeof dim === 'number' ? new ProtoWriter().varint(1, dim) : new ProtoWriter().string(2, dim));
  const tensorType = new ProtoWriter().varint(1, info.type).message(2, shape);
  return new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType));
}
