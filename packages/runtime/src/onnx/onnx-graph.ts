// An ONNX graph under construction and its encoding as a ModelProto (onnx-fields.ts field numbers, opset 17, IR 8).
// Nodes are added in execution order (ONNX requires a topologically sorted graph, which building the graph in the
// order the model computes gives for free); every value gets a unique name from the scope it was made in.
// Initializers are float32 / int64 `raw_data` (little-endian, which is what typed arrays hold on x86 and ARM).
import { AttributeProto, AttributeType, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto, TensorShapeProto, TensorShapeProtoDimension, TypeProto, TypeProtoTensor, ValueInfoProto } from './onnx-fields.ts';
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
    for (const node of this.nodes) graph.message(GraphProto.node, encodeNode(node));
    graph.string(GraphProto.name, this.name);
    for (const initializer of this.initializers) graph.message(GraphProto.initializer, encodeTensor(initializer));
    if (docString !== '') graph.string(GraphProto.docString, docString);
    for (const input of this.inputs) graph.message(GraphProto.input, encodeValueInfo(input));
    for (const output of this.outputs) graph.message(GraphProto.output, encodeValueInfo(output));
    const model = new ProtoWriter()
      .varint(ModelProto.irVersion, ONNX_IR_VERSION)
      .string(ModelProto.producerName, producer.name)
      .string(ModelProto.producerVersion, producer.version)
      .message(ModelProto.graph, graph)
      .message(ModelProto.opsetImport, new ProtoWriter().string(OperatorSetIdProto.domain, '').varint(OperatorSetIdProto.version, ONNX_OPSET));
    const domains = new Set(this.nodes.map((node) => node.domain).filter((domain) => domain !== ''));
    for (const domain of domains) model.message(ModelProto.opsetImport, new ProtoWriter().string(OperatorSetIdProto.domain, domain).varint(OperatorSetIdProto.version, 1));
    for (const [key, value] of Object.entries(metadata)) model.message(ModelProto.metadataProps, new ProtoWriter().string(StringStringEntryProto.key, key).string(StringStringEntryProto.value, value));
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
  for (const input of node.inputs) out.string(NodeProto.input, input);
  for (const output of node.outputs) out.string(NodeProto.output, output);
  out.string(NodeProto.name, node.name).string(NodeProto.opType, node.op);
  for (const [name, attribute] of Object.entries(node.attributes)) out.message(NodeProto.attribute, encodeAttribute(name, attribute));
  if (node.domain !== '') out.string(NodeProto.domain, node.domain);
  return out;
}

function encodeAttribute(name: string, attribute: OnnxAttribute): ProtoWriter {
  const out = new ProtoWriter().string(AttributeProto.name, name);
  switch (attribute.kind) {
    case 'float':
      return out.float(AttributeProto.f, attribute.value).varint(AttributeProto.type, AttributeType.float);
    case 'int':
      return out.varint(AttributeProto.i, attribute.value).varint(AttributeProto.type, AttributeType.int);
    case 'ints':
      for (const value of attribute.value) out.varint(AttributeProto.ints, value);
      return out.varint(AttributeProto.type, AttributeType.ints);
  }
}

/** TensorProto of an initializer. */
export function encodeTensor(tensor: OnnxInitializer): ProtoWriter {
  const out = new ProtoWriter();
  for (const dim of tensor.dims) out.varint(TensorProto.dims, dim);
  return out.varint(TensorProto.dataType, tensor.type).string(TensorProto.name, tensor.name).bytes(TensorProto.rawData, tensor.raw);
}

// ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type, shape: { dim: { dim_value | dim_param } } } } }.
function encodeValueInfo(info: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.dims) shape.message(TensorShapeProto.dim, typeof dim === 'number' ? new ProtoWriter().varint(TensorShapeProtoDimension.dimValue, dim) : new ProtoWriter().string(TensorShapeProtoDimension.dimParam, dim));
  const tensorType = new ProtoWriter().varint(TypeProtoTensor.elemType, info.type).message(TypeProtoTensor.shape, shape);
  return new ProtoWriter().string(ValueInfoProto.name, info.name).message(ValueInfoProto.type, new ProtoWriter().message(TypeProto.tensorType, tensorType));
}
