// The protobuf field numbers of the ONNX messages this package writes (onnx-graph.ts) and reads back (quantize.ts),
// in one place. Each object is named after its message in onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) and its
// keys are that message's field names in camelCase (op_type -> opType); only the fields used here are listed.
// protobuf.ts and protobuf-reader.ts are the generic wire layer and know no ONNX field.

/** ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8, metadata_props 14. */
export const ModelProto = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8, metadataProps: 14 } as const;

/** OperatorSetIdProto (a ModelProto.opset_import entry): domain 1, version 2. */
export const OperatorSetIdProto = { domain: 1, version: 2 } as const;

/** StringStringEntryProto (a ModelProto.metadata_props entry): key 1, value 2. */
export const StringStringEntryProto = { key: 1, value: 2 } as const;

/** GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12. */
export const GraphProto = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 } as const;

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7. */
export const NodeProto = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;

/** AttributeProto: name 1, f 2, i 3, ints 8, type 20. */
export const AttributeProto = { name: 1, f: 2, i: 3, ints: 8, type: 20 } as const;

/** AttributeProto.AttributeType values (what AttributeProto.type holds): FLOAT 1, INT 2, INTS 7. */
export const AttributeType = { float: 1, int: 2, ints: 7 } as const;

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9. */
export const TensorProto = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;

/** ValueInfoProto: name 1, type 2 (a TypeProto). */
export const ValueInfoProto = { name: 1, type: 2 } as const;

/** TypeProto: tensor_type 1 (a TypeProto.Tensor). */
export const TypeProto = { tensorType: 1 } as const;

/** TypeProto.Tensor: elem_type 1 (a TensorProto.DataType), shape 2 (a TensorShapeProto). */
export const TypeProtoTensor = { elemType: 1, shape: 2 } as const;

/** TensorShapeProto: dim 1 (a TensorShapeProto.Dimension per axis). */
export const TensorShapeProto = { dim: 1 } as const;

/** TensorShapeProto.Dimension: dim_value 1 (a fixed size), dim_param 2 (a symbolic name). */
export const TensorShapeProtoDimension = { dimValue: 1, dimParam: 2 } as const;
