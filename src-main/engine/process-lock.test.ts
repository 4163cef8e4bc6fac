import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProcessLock, describeHolder, processStartTime, readLock, type LockHolder } from './process-lock'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-lock-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A pid that no process has any more. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!

const holder = (overrides: Partial<LockHolder>): LockHolder => ({
  pid: process.pid,
  started: processStartTime(process.pid),
  host: hostname(),
  purpose: 'train',
  since: new Date().toISOString(),
  child: null,
  token: 'other',
  ...overrides,
})

describe('ProcessLock', () => {
  it('is held once: a second taker gets the holder, named, until it is released', async () => {
    const path = join(dir, 'once.json')
    const lock = await ProcessLock.acquire(path, 'train')
    expect(lock).toBeInstanceOf(ProcessLock)
    const second = await ProcessLock.acquire(path, 'rename')
    expect(second).not.toBeInstanceOf(ProcessLock)
    expect(describeHolder(second as LockHolder)).toMatch(
      new RegExp(`^process ${process.pid} on this machine \\(since \\d\\d:\\d\\d:\\d\\d\\)$`),
    )
    await (lock as ProcessLock).release()
    expect(existsSync(path)).toBe(false)
    const third = await ProcessLock.acquire(path, 'rename')
    expect(third).toBeInstanceOf(ProcessLock)
    await (third as ProcessLock).release()
  })

  it('lives while its holder or the holder’s child does, on this host; elsewhere it is taken at its word', async () => {
    const path = join(dir, 'alive.json')
    const dead = { pid: deadPid(), started: null }
    const cases: [Partial<LockHolder>, 'held' | 'stale'][] = [
      [{}, 'held'],
      [dead, 'stale'],
      [{ ...dead, child: { pid: process.pid, started: processStartTime(process.pid) } }, 'held'],
      [{ ...dead, child: dead }, 'stale'],
      [{ ...dead, host: `not-${hostname()}` }, 'held'],
    ]
    if (process.platform === 'linux') {
      // A live pid that started at another time is another process that got the pid again.
      cases.push([{ started: '1' }, 'stale'])
    }
    for (const [overrides, state] of cases) {
      await writeFile(path, JSON.stringify(holder(overrides)))
      expect((await readLock(path)).state, JSON.stringify(overrides)).toBe(state)
    }
    // Just created, not yet written: held for a moment, then stale.
    await writeFile(path, '')
    expect((await readLock(path)).state).toBe('held')
  })

  it('takes a stale lock over, and refuses to release one it no longer holds', async () => {
    const path = join(dir, 'stale.json')
    await writeFile(path, JSON.stringify(holder({ pid: deadPid(), started: null })))
    const lock = await ProcessLock.acquire(path, 'train')
    expect(lock).toBeInstanceOf(ProcessLock)
    const taken = JSON.parse(await readFile(path, 'utf8')) as LockHolder
    expect(taken).toMatchObject({ pid: process.pid, purpose: 'train', child: null })
    await (lock as ProcessLock).setChild(process.pid)
    expect((await readLock(path)).holder?.child?.pid).toBe(process.pid)
    // Someone else's lock in its place stays.
    await writeFile(path, JSON.stringify(holder({ token: 'another' })))
    await (lock as ProcessLock).release()
    expect(existsSync(path)).toBe(true)
  })

  it('goes to exactly one of many processes that find one stale lock at the same moment', async () => {
    const module = join(import.meta.dirname, 'process-lock.ts')
    // Each racer says it is ready, waits for the start, tries, says how it went, and holds what it
    // got until every racer has answered (then leaves without releasing: the lock is stale again).
    const script = `
      const { existsSync } = require('node:fs')
      const { ProcessLock } = require(${JSON.stringify(module)})
      const [path, go, done] = process.argv.slice(-3)
      const until = async (file) => { while (!existsSync(file)) await new Promise((r) => setTimeout(r, 2)) }
      ;(async () => {
        process.stdout.write('ready ')
        await until(go)
        const lock = await ProcessLock.acquire(path, 'train')
        process.stdout.write(lock instanceof ProcessLock ? 'won' : 'lost')
        await until(done)
      })()
    `
    const racers = 6
    for (let round = 0; round < 3; round++) {
      const [path, go, done] = ['race.json', 'go', 'done'].map((name) => join(dir, `${round}-${name}`))
      await writeFile(path, JSON.stringify(holder({ pid: deadPid(), started: null })))
      const outputs = Array.from({ length: racers }, () => '')
      let exited = 0
      const allSaid = (pattern: RegExp) =>
        new Promise<void>((resolve) => {
          // A racer that died says nothing more: stop waiting, the counts below will tell.
          const check = setInterval(() => {
            if (exited > 0 || outputs.every((o) => pattern.test(o))) resolve(clearInterval(check))
          }, 5)
        })
      const exits = outputs.map((_, i) => {
        const argv = ['--import', 'tsx', '-e', script, path, go, done]
        const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
        child.stdout.on('data', (chunk: Buffer) => (outputs[i] += chunk.toString()))
        return new Promise((resolve) => child.on('close', () => resolve(exited++)))
      })
      await allSaid(/ready/)
      await writeFile(go, '')
      await allSaid(/won|lost/)
      await writeFile(done, '')
      await Promise.all(exits)
      const results = outputs.map((o) => o.replace('ready ', ''))
      expect(
        results.filter((r) => r === 'won'),
        results.join(' '),
      ).toHaveLength(1)
      expect(results.filter((r) => r === 'lost')).toHaveLength(racers - 1)
    }
  })
})
