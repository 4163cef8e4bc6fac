/**
 * An ONNX model as plain data, and its encoding as the ModelProto of onnx.proto (field numbers
 * from onnx/onnx.proto, IR version 8, the default operator set at version 13). Only what the
 * workbench's networks need: float tensors, named nodes with int, float and ints attributes,
 * inputs and outputs with fixed or named dimensions, and string metadata.
 */
import { ProtoWriter } from './protobuf'

/** The ONNX IR version written (onnxruntime 1.14 and later read it). */
export const ONNX_IR_VERSION = 8
/** The version of the default operator set the nodes follow. */
export const ONNX_OPSET = 13

const FLOAT = 1 // TensorProto.DataType.FLOAT
const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const

/** A node attribute, tagged with its type (1 and 1.0 are the same number in JavaScript). */
export type OnnxAttribute = { float: number } | { int: number } | { ints: readonly number[] }

export interface OnnxNode {
  opType: string
  name: string
  inputs: readonly string[]
  outputs: readonly string[]
  attributes?: Readonly<Record<string, OnnxAttribute>>
}

/** A float32 constant of the graph (weights, biases, batch-norm statistics). */
export interface OnnxInitializer {
  name: string
  dims: readonly number[]
  data: Float32Array
}

/** A graph input or output: float32, each dimension a size or a name (the batch). */
export interface OnnxValue {
  name: string
  dims: readonly (number | string)[]
  doc?: string
}

export interface OnnxGraph {
  name: string
  nodes: readonly OnnxNode[]
  initializers: readonly OnnxInitializer[]
  inputs: readonly OnnxValue[]
  outputs: readonly OnnxValue[]
}

export interface OnnxModel {
  graph: OnnxGraph
  producerName: string
  producerVersion: string
  doc: string
  /** `metadata_props`: what a deployment reads beside the graph (preprocessing, class names). */
  metadata: Readonly<Record<string, string>>
}

/** The model's bytes, a `.onnx` file. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const proto = new ProtoWriter()
    .int(1, ONNX_IR_VERSION)
    .string(2, model.producerName)
    .string(3, model.producerVersion)
    .string(6, model.doc)
    .message(7, graphProto(model.graph))
    .message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET))
  for (const [key, value] of Object.entries(model.metadata))
    proto.message(14, new ProtoWriter().string(1, key).string(2, value))
  return proto.bytes()
}

function graphProto(graph: OnnxGraph): ProtoWriter {
  const proto = new ProtoWriter()
  for (const node of graph.nodes) proto.message(1, nodeProto(node))
  proto.string(2, graph.name)
  for (const initializer of graph.initializers) proto.message(5, tensorProto(initializer))
  for (const input of graph.inputs) proto.message(11, valueInfoProto(input))
  for (const output of graph.outputs) proto.message(12, valueInfoProto(output))
  return proto
}

function nodeProto(node: OnnxNode): ProtoWriter {
  const proto = new ProtoWriter()
  for (const input of node.inputs) proto.string(1, input)
  for (const output of node.outputs) proto.string(2, output)
  proto.string(3, node.name).string(4, node.opType)
  for (const [name, value] of Object.entries(node.attributes ?? {}))
    proto.message(5, attributeProto(name, value))
  return proto
}

function attributeProto(name: string, value: OnnxAttribute): ProtoWriter {
  const proto = new ProtoWriter().string(1, name)
  if ('float' in value) return proto.float(2, value.float).int(20, ATTRIBUTE_TYPE.float)
  if ('int' in value) return proto.int(3, value.int).int(20, ATTRIBUTE_TYPE.int)
  return proto.ints(8, value.ints).int(20, ATTRIBUTE_TYPE.ints)
}

function tensorProto(tensor: OnnxInitializer): ProtoWriter {
  const count = tensor.dims.reduce((a, b) => a * b, 1)
  if (count !== tensor.data.length)
    throw new Error(`Initializer ${tensor.name} has ${tensor.data.length} values for dims [${tensor.dims}].`)
  // raw_data is little-endian; so is every platform Node runs on that the workbench ships for.
  const raw = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)
  return new ProtoWriter().ints(1, tensor.dims).int(2, FLOAT).string(8, tensor.name).bytesField(9, raw)
}

function valueInfoProto(value: OnnxValue): ProtoWriter {
  const shape = new ProtoWriter()
  for (const dim of value.dims)
    shape.message(
      1,
      typeof dim === 'number' ? new ProtoWriter().int(1, dim) : new ProtoWriter().string(2, dim),
    )
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape)
  const proto = new ProtoWriter().string(1, value.name).message(2, new ProtoWriter().message(1, tensorType))
  if (value.doc) proto.string(3, value.doc)
  return proto
}
