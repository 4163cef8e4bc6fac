import { describe, expect, it } from 'vitest'
import { layersToOnnx, readWeights, type LayersModelJson } from './layers-to-onnx'
import { ProtoWriter } from './protobuf'

const input = { batch_input_shape: [null, 4, 4, 1] }

function model(layers: { class_name: string; config: unknown }[]): LayersModelJson {
  return { modelTopology: { class_name: 'Sequential', config: { layers } }, weightsManifest: [] }
}

describe('layersToOnnx', () => {
  it('names a layer it does not know, and one whose settings it cannot convert', () => {
    expect(() =>
      layersToOnnx(model([{ class_name: 'LSTM', config: { name: 'lstm1', ...input } }]), new Map()),
    ).toThrow('The ONNX export does not know the layer lstm1 (LSTM).')
    const dilated = { name: 'conv1', filters: 2, kernel_size: [3, 3], strides: [1, 1], dilation_rate: [2, 2] }
    expect(() =>
      layersToOnnx(model([{ class_name: 'Conv2D', config: { ...dilated, ...input } }]), new Map()),
    ).toThrow(
      'The ONNX export cannot convert the layer conv1 (Conv2D): dilation_rate.0: Invalid input: expected 1.',
    )
  })

  it('says which weight a checkpoint lacks, and when its weights file is cut short', () => {
    const conv = { name: 'conv1', filters: 2, kernel_size: [3, 3], strides: [1, 1], ...input }
    expect(() => layersToOnnx(model([{ class_name: 'Conv2D', config: conv }]), new Map())).toThrow(
      'The checkpoint has no weight conv1/kernel.',
    )
    const manifest = [{ weights: [{ name: 'conv1/kernel', shape: [3, 3, 1, 2], dtype: 'float32' }] }]
    expect(() => readWeights(manifest, new Uint8Array(40))).toThrow(
      'The weights file ends before weight conv1/kernel; the checkpoint is damaged.',
    )
  })

  it('reads weights at any offset of a larger buffer, copying only their own bytes', () => {
    const pool = Buffer.alloc(64)
    const file = pool.subarray(8, 16)
    file.writeFloatLE(1.5, 0)
    file.writeFloatLE(-2, 4)
    const manifest = [{ weights: [{ name: 'b', shape: [2], dtype: 'float32' }] }]
    expect([...readWeights(manifest, file).get('b')!.data]).toEqual([1.5, -2])
  })
})

describe('ProtoWriter', () => {
  it('writes varints as protocol buffers do, negative ones in ten bytes', () => {
    expect([...new ProtoWriter().int(1, 150).bytes()]).toEqual([0x08, 0x96, 0x01])
    expect(new ProtoWriter().int(1, -1).bytes()).toHaveLength(11)
    expect([...new ProtoWriter().string(2, 'hi').bytes()]).toEqual([0x12, 2, 0x68, 0x69])
  })
})
