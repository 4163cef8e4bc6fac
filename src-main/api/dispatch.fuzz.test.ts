/**
 * Property-based fuzzing of every request channel through dispatch, against a real workbench on
 * a throwaway home: random payloads and mutations of valid ones never crash it, always get a
 * typed answer (and never `internal`: bad input is the sender's mistake, told in a sentence),
 * and never write outside the home.
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REQUEST_CHANNELS, type RequestChannel } from '@common/channels'
import type { ApiResult } from '@common/contract'
import { UserError } from '../engine/errors'
import { openConfSettings } from '../engine/settings/conf-store'
import { inProcessTrainerLaunch } from '../engine/train/in-process-launch'
import { TINY_ARCHITECTURE, writeBarDataset } from '../engine/train/test-data'
import { dispatch } from './dispatch'
import { createWorkbench } from './workbench'

const CODES = ['invalid', 'not_found', 'conflict', 'unavailable']

let root: string
let home: string
let bars: string
let runId: string
/** A sweep the fuzz started, once it has one. */
let sweepId: string | undefined
let workbench: ReturnType<typeof createWorkbench>
const logged: unknown[] = []
/** How many payloads each channel got, and how each answer came out. */
const tried: Record<string, number> = {}
const outcomes: Record<string, number> = {}

/** Every file and folder under `dir` with its size and time of change, `skip` left out. */
async function tree(dir: string, skip: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (path === skip || path.startsWith(skip + '/')) continue
    const info = await stat(path)
    entries[path] = entry.isDirectory() ? 'folder' : `${info.size} bytes, changed ${info.mtimeMs}`
  }
  return entries
}

/** A loopback port where no Redis answers (the workers requests are refused fast, never hang). */
let redisPort = 0

/** A loopback port nothing listens on: downloads are refused at once instead of going abroad. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

beforeAll(async () => {
  // The home and, beside it, what a payload may name: a data set, a decoy folder, a file.
  root = await mkdtemp(join(tmpdir(), 'cnn-fuzz-'))
  home = join(root, 'home')
  bars = await writeBarDataset(join(root, 'bars'), 60, 20)
  await mkdir(join(root, 'outside'))
  await writeFile(join(root, 'outside', 'keep.txt'), "not the workbench's")
  workbench = createWorkbench({
    home,
    shell: 'web',
    settings: openConfSettings(home, () => undefined),
    emit: () => undefined,
    launch: inProcessTrainerLaunch(),
    downloadMirrors: [`http://127.0.0.1:${await closedPort()}/`],
  })
  redisPort = await closedPort()
  const started = await dispatch(workbench.handlers, 'runs.start', seeds()['runs.start'])
  if (!started.ok) throw new Error(started.error.message)
  runId = (started.value as { id: string }).id
  await workbench.runs.waitFor(runId)
}, 120_000)

afterAll(async () => {
  await workbench?.shutdown()
  await rm(root, { recursive: true, force: true })
  const total = Object.values(tried).reduce((a, b) => a + b, 0)
  const answers = Object.entries(outcomes).map(([outcome, count]) => `${count} ${outcome}`)
  process.stdout.write(
    `fuzz: ${total} payloads over ${Object.keys(tried).length} channels: ${answers.join(', ')}\n`,
  )
})

/** A valid payload of each channel (run ids are the trained run's). */
function seeds(): Record<RequestChannel, unknown> {
  const id = runId ?? 'not-yet'
  return {
    'app.info': undefined,
    'app.chooseFolder': { title: 'Pick' },
    'settings.get': undefined,
    'settings.update': {
      theme: 'dark',
      dataFolder: bars,
      defaults: { epochs: 2, architecture: TINY_ARCHITECTURE },
      presets: [{ name: 'tiny', config: { batchSize: 20 } }],
      window: { width: 800, height: 600, maximized: false },
    },
    'model.summary': { architecture: TINY_ARCHITECTURE, inputShape: [12, 12, 1] },
    'datasets.list': undefined,
    'datasets.preview': { dataset: { kind: 'folder', path: bars }, count: 4 },
    'datasets.download': { dataset: 'fashion-mnist' },
    'datasets.augmentPreview': {
      dataset: { kind: 'folder', path: bars },
      augmentation: { rotation: 10, zoom: 0.1, shift: 0.1, horizontalFlip: false },
      seed: 3,
      count: 4,
    },
    'runs.start': {
      name: 'fuzz',
      dataset: { kind: 'folder', path: bars },
      architecture: TINY_ARCHITECTURE,
      epochs: 1,
      batchSize: 20,
      learningRate: 0.01,
      backend: 'cpu',
      replicas: 1,
    },
    'runs.stop': { id },
    'runs.resume': { id },
    'runs.list': undefined,
    'runs.get': { id, batches: false },
    'runs.rename': { id, name: 'renamed' },
    'runs.update': { id, notes: 'lr too high', tags: ['sweep'] },
    'runs.exportModel': { id, epoch: 1 },
    'runs.exportOnnx': { id, epoch: 1 },
    'inspect.activations': { runId: id, image: { kind: 'test', index: 3 } },
    'inspect.evaluate': { runId: id },
    'inspect.images': { runId: id, indices: [0, 1, 2] },
    'sweeps.start': {
      base: {
        dataset: { kind: 'folder', path: bars },
        architecture: TINY_ARCHITECTURE,
        epochs: 1,
        batchSize: 20,
        backend: 'cpu',
        replicas: 1,
      },
      method: 'random',
      metric: { name: 'val_accuracy', goal: 'maximize' },
      parameters: { learningRate: { distribution: 'log_uniform', min: 0.001, max: 0.1 } },
      run_cap: 1,
    },
    'sweeps.list': undefined,
    'sweeps.get': { id: sweepId ?? 'not-yet' },
    'sweeps.stop': { id: sweepId ?? 'not-yet' },
    'sweeps.resume': { id: sweepId ?? 'not-yet' },
    'sweeps.extend': { id: sweepId ?? 'not-yet', trial: 1, epochs: 2 },
    'queue.list': undefined,
    'queue.move': { runId: id, place: 1 },
    'queue.cancel': { runId: id },
    'workers.list': undefined,
    'workers.testConnection': { url: `redis://:***@127.0.0.1:${redisPort}/1` },
    'runs.delete': { id },
  }
}

/** Values of another kind than the one they replace, odd ones first. */
const oddValue = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    1e9,
    -0.5,
    '',
    '..',
    '../outside',
    '/',
    join('..', 'outside', 'keep.txt'),
    null,
    true,
    [],
    {},
  ),
  fc.jsonValue({ maxDepth: 2 }),
)

/**
 * One change to a payload, at the n-th object or array in it: add a key, remove one, replace a
 * value with another of its kind (which often stays valid and reaches the handler), or with an
 * odd value of any kind.
 */
const mutation = fc.record({
  place: fc.nat(),
  action: fc.constantFrom('add', 'remove', 'replace', 'retype'),
  key: fc.oneof(
    fc.constantFrom('epoch', '__proto__', 'constructor', 'kind', 'id'),
    fc.string({ maxLength: 8 }),
  ),
  odd: oddValue,
  number: fc.oneof(fc.integer({ min: -2, max: 5000 }), fc.double()),
  text: fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('x', '../x', '..', 'mnist', 'folder', 'test', 'pixels', 'sgd', 'same', 'linear'),
  ),
  flag: fc.boolean(),
})
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

/** The value a change puts in place of `old`: of its kind, or odd. */
function replacement(change: Mutation, old: unknown): unknown {
  if (change.action === 'retype' || change.action === 'add') return change.odd
  if (typeof old === 'number') return change.number
  if (typeof old === 'string') return change.text
  if (typeof old === 'boolean') return change.flag
  return change.odd
}

/** The objects and arrays of a payload, each with its keys, the payload itself first. */
function containers(value: unknown): Record<string, unknown>[] {
  if (value === null || typeof value !== 'object') return []
  const own = value as Record<string, unknown>
  return [own, ...Object.values(own).flatMap(containers)]
}

/** `payload` with `changes` applied, on a copy. */
function mutate(payload: unknown, changes: Mutation[]): unknown {
  let result: unknown = structuredClone(payload)
  for (const change of changes) {
    const places = containers(result)
    if (places.length === 0) {
      result = change.action === 'remove' ? undefined : structuredClone(replacement(change, result))
      continue
    }
    const target = places[change.place % places.length]
    const keys = Object.keys(target)
    const key = change.action === 'add' || keys.length === 0 ? change.key : keys[change.place % keys.length]
    // A copy: a generated value must not end up inside itself through a later change.
    const value = structuredClone(replacement(change, target[key]))
    if (Array.isArray(target)) {
      // Arrays grow, shrink or change at an index; they get no named keys.
      if (change.action === 'add') target.push(value)
      else if (keys.length && change.action === 'remove') target.splice(Number(key), 1)
      else if (keys.length) target[Number(key)] = value
    } else if (change.action === 'remove') delete target[key]
    else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return result
}

/** Dispatches one payload; the answer must be typed, and never an internal failure. */
async function send(channel: RequestChannel, payload: unknown): Promise<void> {
  tried[channel] = (tried[channel] ?? 0) + 1
  const result = (await dispatch(workbench.handlers, channel, payload, (_c, e) =>
    logged.push(e),
  )) as ApiResult<unknown>
  const outcome = result.ok ? 'ok' : result.error.code
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
  if (result.ok) {
    // A run the fuzz started or resumed stops at once: the property is about answers, not training.
    const value = result.value as { id?: string; status?: string }
    // A sweep the fuzz started or resumed stops too; the later seeds use its id.
    if (
      (channel === 'sweeps.start' || channel === 'sweeps.resume') &&
      value.id &&
      value.status === 'running'
    ) {
      sweepId = value.id
      await workbench.sweeps.stop(value.id)
      return
    }
    if ((channel === 'runs.start' || channel === 'runs.resume') && value.id && value.status === 'running')
      await workbench.runs.stop(value.id).catch((error: unknown) => {
        // One that already ended cannot be stopped (a conflict): that is all right here.
        if (!(error instanceof UserError)) throw error
      })
    return
  }
  expect(CODES, `${channel} ${JSON.stringify(payload)?.slice(0, 300)}: ${result.error.message}`).toContain(
    result.error.code,
  )
  expect(result.error.message).toMatch(/^\S.*[.?]$/s)
}

describe('every request channel', () => {
  it('answers random and mutated payloads with a typed result, writing nothing outside the home', async () => {
    const before = await tree(root, home)
    // Destructive channels last, so that the others meet a live run.
    const channels = [...REQUEST_CHANNELS].sort((a, b) => +(a === 'runs.delete') - +(b === 'runs.delete'))
    for (const channel of channels) {
      await fc.assert(
        fc.asyncProperty(fc.anything(), (payload) => send(channel, payload)),
        { numRuns: 25 },
      )
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { maxLength: 3 }), (changes) =>
          send(channel, mutate(seeds()[channel], changes)),
        ),
        { numRuns: 100 },
      )
    }
    expect(logged).toEqual([])
    expect(await tree(root, home)).toEqual(before)
  }, 300_000)
})
