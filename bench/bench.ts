/**
 * Throughput benchmark: trains a workload's network with its recipe (the notebook's by default:
 * batch 100, Adam; `--workload best`: the "Best accuracy" preset's, with batch norm, stride-2
 * convolutions, augmentation and its schedule) on every workbench backend that loads here and on
 * the PyTorch peer, interleaved round by round after a warm-up, and prints samples/s for training
 * and inference, the workbench/PyTorch ratio and peak memory.
 *
 *   npm run bench -- [--workload notebook|best] [--architecture JSON|FILE] [--steps N] [--json]
 *                    [--profile] [--rounds R] [--replicas 1,2] [--backends wasm,cpu]
 *
 * --architecture trains another network (as `train --architecture` takes it) with the workload's
 * recipe on both sides: how the workbench fares against PyTorch on your own network.
 *
 * Each side runs in its own long-lived child process (bench/workbench-runner.ts, and
 * bench/pytorch_peer.py --serve under /usr/bin/python3) so that warm-up happens once and the
 * rounds alternate between them; the machine's other load then hits both sides alike. The
 * wasm backend also runs as two data-parallel replicas (one per core) against PyTorch with two
 * threads. Throughput is also given per CPU-second, which a busy machine disturbs less. It names
 * the CPU and the SIMD instructions each side ran with; --profile puts the kernels of one
 * single-replica step beside PyTorch's own profile (torch.profiler) of the same step. The pure-JS
 * cpu backend and WebGPU on a software adapter run only when --backends names them.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Interface } from 'node:readline'
import { parseArgs } from 'node:util'
import type { BackendName } from '@common/contract'
import { probeBackends } from '../src-main/engine/backend'
import { relaxedSimdExecArgv } from '../src-main/engine/backend/wasm-kernels/simd/features'
import { describeMachine } from './machine'
import { profileLines, type KernelTime } from './profile-table'
import { parseWorkload, workloadConfig, type Workload } from './workloads'
import { readArchitecture } from '../src-main/cli/commands/train-config'
import type { RunConfig } from '@common/schemas'

const PYTHON = '/usr/bin/python3'

interface Reply {
  [key: string]: unknown
  error?: string
}

/** A child process that answers one JSON line per JSON command line. */
class Peer {
  private readonly lines: AsyncIterator<string>
  private readonly rl: Interface
  private stderr = ''

  constructor(
    readonly label: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.rl = createInterface({ input: child.stdout })
    this.lines = this.rl[Symbol.asyncIterator]()
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000)
    })
  }

  /** The next JSON line the child prints (skipping anything else it prints). */
  async read(): Promise<Reply> {
    for (;;) {
      const next = await this.lines.next()
      if (next.done)
        throw new Error(`${this.label} exited: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`)
      if (next.value.startsWith('{')) {
        const reply = JSON.parse(next.value) as Reply
        if (reply.error) throw new Error(`${this.label}: ${reply.error}`)
        return reply
      }
    }
  }

  async ask(command: Record<string, unknown>): Promise<Reply> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`)
    return this.read()
  }

  close(): void {
    this.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`)
    this.rl.close()
  }
}

interface Side {
  label: string
  peer: Peer
  samples: number
  seconds: number
  cpuSeconds: number
  info: Reply
}

interface SideResult {
  label: string
  /** The SIMD instructions this side ran with, in its own words. */
  simd: string
  /** The BLAS library PyTorch's dense layers ran on (the PyTorch side only). */
  blas?: string
  samplesPerSec: number
  samplesPerCpuSecond: number
  inferenceSamplesPerSec: number
  peakRssMiB: number
  steps: number
}

function startWorkbench(backend: BackendName, replicas: number, workload: Workload, config: RunConfig): Peer {
  const runner = join(__dirname, 'workbench-runner.ts')
  const args = [...process.execArgv, ...relaxedSimdExecArgv(), runner, '--backend', backend]
  args.push('--replicas', String(replicas), '--workload', workload)
  args.push('--architecture', JSON.stringify(config.architecture))
  return new Peer(`workbench ${backend} x${replicas}`, spawn(process.execPath, args, { stdio: 'pipe' }))
}

function startPytorch(threads: number, config: RunConfig): Peer {
  const script = join(__dirname, 'pytorch_peer.py')
  const args = [script, '--serve', '--threads', String(threads), '--batch', String(config.batchSize)]
  args.push('--config', JSON.stringify(config))
  // torch.set_num_threads governs oneDNN and ATen; the BLAS behind the dense layers starts as
  // many threads as it likes unless told (OpenBLAS took both cores of a "1 thread" peer).
  const count = String(threads)
  const env = { ...process.env, OPENBLAS_NUM_THREADS: count, OMP_NUM_THREADS: count, BLIS_NUM_THREADS: count }
  const child = spawn(PYTHON, args, { stdio: 'pipe', env })
  return new Peer(`pytorch ${threads} thread${threads > 1 ? 's' : ''}`, child)
}

/** Why the PyTorch peer cannot run here, or null when it can. */
function pytorchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' })
  if (probe.error) return `${PYTHON} cannot be run (${probe.error.message})`
  if (probe.status !== 0) return `${PYTHON} cannot import torch (${probe.stderr.trim().split('\n').at(-1)})`
  return null
}

async function open(label: string, peer: Peer, warmupSteps: number): Promise<Side> {
  const info = await peer.read()
  if (warmupSteps > 0) await peer.ask({ cmd: 'train', steps: warmupSteps })
  return { label, peer, samples: 0, seconds: 0, cpuSeconds: 0, info }
}

async function trainRound(side: Side, steps: number): Promise<void> {
  const r = await side.peer.ask({ cmd: 'train', steps })
  side.samples += r.samples as number
  side.seconds += r.seconds as number
  side.cpuSeconds += r.cpuSeconds as number
}

async function finish(side: Side, inferRounds: number, batch: number): Promise<SideResult> {
  const inferred = await side.peer.ask({ cmd: 'infer', count: batch, rounds: inferRounds })
  const stats = await side.peer.ask({ cmd: 'stats' })
  return {
    label: side.label,
    simd: String(side.info.simd ?? 'unknown'),
    ...(side.info.blas ? { blas: String(side.info.blas) } : {}),
    samplesPerSec: side.samples / side.seconds,
    samplesPerCpuSecond: side.samples / side.cpuSeconds,
    inferenceSamplesPerSec: (inferred.samples as number) / (inferred.seconds as number),
    peakRssMiB: stats.peakRssMiB as number,
    steps: side.samples / batch,
  }
}

/** Said when the peer's dense layers run on the reference BLAS, which flatters every ratio. */
const REFERENCE_BLAS_WARNING =
  'warning: that BLAS is about 30 times slower than an optimized one on a dense layer, which flatters ' +
  'the ratio of any network with one; install an optimized BLAS (Debian: apt install libopenblas0-pthread) for a fair peer'

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0).padStart(6) : '     -')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '4' },
      json: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      replicas: { type: 'string' },
      backends: { type: 'string' },
      workload: { type: 'string', default: 'notebook' },
      architecture: { type: 'string' },
    },
  })
  const workload = parseWorkload(values.workload!)
  // Another network (inline JSON or a file, as train takes it) with the workload's recipe.
  const config = workloadConfig(workload, await readArchitecture(values.architecture))
  const batch = config.batchSize
  const steps = Math.max(1, Number(values.steps))
  const rounds = Math.min(steps, Math.max(1, Number(values.rounds)))
  const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`)

  if (values.architecture !== undefined)
    say(
      `Network (--architecture), with the ${workload} workload's recipe: ${JSON.stringify(config.architecture)}`,
    )
  const machine = describeMachine()
  say(`CPU: ${machine.cpu}, ${machine.cores} cores; SIMD: ${machine.simd?.join(' ') ?? 'unknown'}`)
  const report = await probeBackends('auto')
  const loadable = report.candidates.filter((c) => c.available).map((c) => c.name)
  // By default the backends worth a comparison: not pure JS (about a minute a step), not a
  // software GPU adapter (auto never picks one; minutes a step on llvmpipe).
  const slowByNature = (c: (typeof report.candidates)[number]) =>
    c.name === 'cpu' || c.adapter?.software === true
  const wanted = values.backends
    ? (values.backends.split(',') as BackendName[])
    : report.candidates.filter((c) => c.available && !slowByNature(c)).map((c) => c.name)
  for (const c of report.candidates) {
    if (!c.available) say(`backend ${c.name}: not benchmarked (${c.reason})`)
    else if (!wanted.includes(c.name))
      say(`backend ${c.name}: not benchmarked unless --backends names it (slow here)`)
  }
  const cores = availableParallelism()
  const replicaCounts = values.replicas ? values.replicas.split(',').map(Number) : cores >= 2 ? [1, 2] : [1]
  const missing = pytorchMissing()
  say(
    missing
      ? `PyTorch peer: MISSING, ${missing}; workbench figures only`
      : 'PyTorch peer: /usr/bin/python3 with torch',
  )

  // One pairing per configuration: the workbench against PyTorch with as many threads as replicas.
  const pairings: { backend: BackendName; replicas: number }[] = []
  for (const backend of wanted.filter((b) => loadable.includes(b))) {
    // Only wasm has a data-parallel mode worth measuring; cpu is far too slow for more than a taste.
    const counts = backend === 'wasm' ? replicaCounts : [1]
    for (const replicas of counts) pairings.push({ backend, replicas })
  }

  const results: {
    workbench: SideResult
    pytorch: SideResult | null
    backend: BackendName
    replicas: number
  }[] = []
  for (const { backend, replicas } of pairings) {
    // The pure-JS cpu backend takes about a minute a step: one step, no warm-up. A software GPU
    // adapter (llvmpipe) takes seconds: a few steps.
    const slow = backend === 'cpu'
    const software = report.candidates.find((c) => c.name === backend)?.adapter?.software === true
    const pairSteps = slow ? 1 : software ? Math.min(steps, 4) : steps
    const pairRounds = slow ? 1 : software ? 1 : rounds
    say(
      `\n== ${backend} x${replicas} vs PyTorch ${replicas} thread(s): ${pairSteps} steps in ${pairRounds} rounds`,
    )
    const workbench = await open(
      `workbench ${backend}${replicas > 1 ? ` x${replicas}` : ''}`,
      startWorkbench(backend, replicas, workload, config),
      slow ? 0 : software ? 1 : 2,
    )
    say(`  ${backend} runs on ${(workbench.info.backend as { device: string }).device}`)
    const pytorch = missing ? null : await open(`pytorch ${replicas}t`, startPytorch(replicas, config), 2)
    let done = 0
    for (let r = 0; r < pairRounds; r++) {
      const chunk = Math.round(((r + 1) * pairSteps) / pairRounds) - done
      done += chunk
      await trainRound(workbench, chunk)
      if (pytorch) await trainRound(pytorch, chunk)
    }
    // The per-operation view of a single-replica step against PyTorch's single thread.
    if (values.profile && !slow && replicas === 1) {
      const ours = await workbench.peer.ask({ cmd: 'profile' })
      const theirs = pytorch ? await pytorch.peer.ask({ cmd: 'profile', runs: 3 }) : null
      const lines = profileLines(
        { kernels: ours.kernels as KernelTime[], cpuMs: ours.cpuMs as number, images: ours.images as number },
        theirs && {
          ops: theirs.ops as KernelTime[],
          categories: theirs.categories as Record<string, number>,
          stepMs: theirs.stepMs as number,
        },
      )
      for (const line of lines) say(line)
    }
    // Inference in batches of the workload's size (as validation runs), 20 of them.
    const inferRounds = slow ? 1 : software ? 4 : 20
    const wb = await finish(workbench, inferRounds, batch)
    const pt = pytorch ? await finish(pytorch, inferRounds, batch) : null
    workbench.peer.close()
    pytorch?.peer.close()
    results.push({ workbench: wb, pytorch: pt, backend, replicas })
    say(`  SIMD: workbench ${wb.simd}${pt ? `; PyTorch ${pt.simd}` : ''}`)
    if (pt?.blas) say(`  PyTorch's dense layers: ${pt.blas}`)
    if (pt?.blas?.startsWith('reference')) say(`  ${REFERENCE_BLAS_WARNING}`)
    say('                      train/s  per-CPU-s  infer/s  peak MiB')
    for (const s of [wb, pt]) {
      if (s)
        say(
          `  ${s.label.padEnd(18)} ${fmt(s.samplesPerSec)}    ${fmt(s.samplesPerCpuSecond)}   ${fmt(s.inferenceSamplesPerSec)}   ${fmt(s.peakRssMiB)}`,
        )
    }
    if (pt)
      say(
        `  ratio workbench/PyTorch: ${(wb.samplesPerSec / pt.samplesPerSec).toFixed(2)} (per CPU-second ${(wb.samplesPerCpuSecond / pt.samplesPerCpuSecond).toFixed(2)})`,
      )
  }

  // The headline: the fastest workbench configuration against its PyTorch pairing.
  const best = results.reduce<(typeof results)[number] | null>(
    (a, b) => (a === null || b.workbench.samplesPerSec > a.workbench.samplesPerSec ? b : a),
    null,
  )
  if (best === null) throw new Error('no workbench backend could be benchmarked')
  const summary = {
    workload,
    ...(values.architecture === undefined ? {} : { architecture: config.architecture }),
    machine,
    workbench: { backend: best.backend, replicas: best.replicas, ...best.workbench },
    pytorch: best.pytorch ? { threads: best.replicas, ...best.pytorch } : null,
    ratio: best.pytorch ? best.workbench.samplesPerSec / best.pytorch.samplesPerSec : null,
    peerMissing: missing,
    runs: results,
  }
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`)
  else if (summary.ratio !== null)
    say(`\nbest: ${best.backend} x${best.replicas}, ratio ${summary.ratio.toFixed(2)} of PyTorch`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
