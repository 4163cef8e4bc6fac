import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkpointFolder } from '../run-files/checkpoint-paths'
import { exportModel } from './export-model'
import { runPaths } from '../run-files/paths'

function homeWithCheckpoint(id: string, epoch: number, kind: 'latest' | 'best' = 'latest', into?: string) {
  const home = into ?? mkdtempSync(join(tmpdir(), 'export-'))
  const folder = checkpointFolder(runPaths(home, id).checkpoints, epoch, kind)
  mkdirSync(folder, { recursive: true })
  const manifest = [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }]
  writeFileSync(
    join(folder, 'model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: manifest }),
  )
  writeFileSync(join(folder, 'weights.bin'), Buffer.from(new Float32Array([1.5, -2]).buffer))
  return home
}

describe('exportModel', () => {
  it('returns the latest checkpoint with its manifest naming the saved weights file', async () => {
    const home = homeWithCheckpoint('run-1', 3)
    const exported = await exportModel(home, 'run-1')
    expect(exported.epoch).toBe(3)
    expect(exported.weightsFileName).toBe('run-1-epoch3.weights.bin')
    const model = JSON.parse(exported.modelJson) as { weightsManifest: { paths: string[] }[] }
    expect(model.weightsManifest[0].paths).toEqual(['run-1-epoch3.weights.bin'])
    const weights = Buffer.from(exported.weightsBase64, 'base64')
    expect([...new Float32Array(weights.buffer, weights.byteOffset, 2)]).toEqual([1.5, -2])
  })

  it('says so when there is no checkpoint or not the asked epoch', async () => {
    const home = homeWithCheckpoint('run-1', 3)
    await expect(exportModel(home, 'run-2')).rejects.toThrow(
      'Run run-2 has no checkpoint yet; it saves one after each epoch.',
    )
    await expect(exportModel(home, 'run-1', 2)).rejects.toThrow(
      'keeps only the checkpoints of epoch 3, not 2',
    )
  })

  it('exports the best epoch’s checkpoint that a run keeps beside its latest', async () => {
    const home = homeWithCheckpoint('run-1', 5)
    homeWithCheckpoint('run-1', 3, 'best', home)
    expect((await exportModel(home, 'run-1')).epoch).toBe(5)
    expect((await exportModel(home, 'run-1', 3)).weightsFileName).toBe('run-1-epoch3.weights.bin')
    await expect(exportModel(home, 'run-1', 4)).rejects.toThrow(
      'Run run-1 keeps only the checkpoints of epochs 3 (its best) and 5, not 4.',
    )
  })
})
