import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPidAlive, isRunProcessAlive } from './liveness'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-live-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function alive(info: unknown): Promise<boolean> {
  const path = join(dir, 'process.json')
  await writeFile(path, typeof info === 'string' ? info : JSON.stringify(info))
  return isRunProcessAlive(path)
}

describe('run liveness', () => {
  it('follows the trainer once it is known, and the owner before', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    expect(isPidAlive(dead)).toBe(false)
    expect(await alive({ ownerPid: process.pid, trainerPid: null })).toBe(true)
    expect(await alive({ ownerPid: dead, trainerPid: null })).toBe(false)
    expect(await alive({ ownerPid: process.pid, trainerPid: dead })).toBe(false)
    expect(await alive('{"ownerPid": ')).toBe(false)
  })

  it('does not take an unrelated process that reuses the pid for the trainer', async () => {
    const trainer = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', 'trainer'])
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'])
    try {
      expect(await alive({ ownerPid: process.pid, trainerPid: trainer.pid })).toBe(true)
      const expected = process.platform === 'linux' ? false : true
      expect(await alive({ ownerPid: process.pid, trainerPid: other.pid })).toBe(expected)
    } finally {
      trainer.kill()
      other.kill()
    }
  })
})
