/**
 * Runs the GPU adapter probe (`probe-entry.ts`) in its own short-lived process and reads its
 * answer: the adapter WebGPU would train on here, or why there is none. What starts that process
 * is the shell's to choose (`LaunchProbe`): a plain Node child by default (CLI, web shell, tests);
 * in Electron's main process a utility process, because the packaged app's binary, with its
 * RunAsNode fuse off, cannot run as Node.
 */
import { spawn } from 'node:child_process'
import { finished } from 'node:stream/promises'
import { z } from 'zod'
import { gpuAdapterSchema, type GpuAdapter } from '@common/schemas'
import { errorMessage } from '../../errors'
import { resolveProcessEntry, type ProcessEntry } from '../../process-entry'

/** What the probe process prints (one JSON line), and what one process hands another. */
export const probeAnswerSchema = z.union([
  z.object({ adapter: gpuAdapterSchema }),
  z.object({ adapter: z.null(), reason: z.string() }),
])
export type ProbeAnswer = z.infer<typeof probeAnswerSchema>

/** A started probe process, whatever started it. */
export interface ProbeProcess {
  stdout: NodeJS.ReadableStream | null
  stderr: NodeJS.ReadableStream | null
  kill(): void
  /** Settles once the process has ended; rejects when it could not start. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts the probe process from `entry`; throws when it cannot. */
export type LaunchProbe = (entry: ProcessEntry) => ProbeProcess

/** The probe's entry: `probe-entry.ts` from source, `gpu-probe.js` beside the bundle. */
export function resolveProbeEntry(moduleUrl = import.meta.url): ProcessEntry {
  return resolveProcessEntry(moduleUrl, 'probe-entry.ts', 'gpu-probe.js')
}

/**
 * The default launcher: this Node runs the entry. Refused under Electron, where process.execPath
 * is the app itself: with the RunAsNode fuse off it would start a second copy of the app.
 */
export const spawnNodeProbe: LaunchProbe = (entry) => {
  if (process.versions.electron) {
    throw new Error("under Electron the probe runs only through the shell's launcher (a utility process)")
  }
  const child = spawn(process.execPath, [...entry.execArgv, entry.path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    kill: () => void child.kill(),
    ended: new Promise((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (code, signal) => resolve({ code, signal }))
    }),
  }
}

/** A driver that hangs while adapters are enumerated must not hold up backend selection. */
const PROBE_TIMEOUT_MS = 60_000

export interface ProbeOptions {
  entry?: ProcessEntry
  timeoutMs?: number
  /** Starts the probe process (default `spawnNodeProbe`). */
  launch?: LaunchProbe
}

/** The adapter the probe process finds; throws with the reason (one line) when there is none. */
export async function probeGpuAdapter({
  entry = resolveProbeEntry(),
  timeoutMs = PROBE_TIMEOUT_MS,
  launch = spawnNodeProbe,
}: ProbeOptions = {}): Promise<GpuAdapter> {
  const { stdout, stderr, code, signal, timedOut } = await runProbe(launch, entry, timeoutMs)
  const line = stdout.trim().split('\n').at(-1) ?? ''
  let answer: ProbeAnswer | null = null
  try {
    answer = probeAnswerSchema.parse(JSON.parse(line))
  } catch {
    // No answer: the process died first (a driver crashed) or hung; say how, with its last words.
    const how = timedOut
      ? `gave no answer within ${timeoutMs / 1000} s and was stopped`
      : signal
        ? `was killed by ${signal}`
        : `exited with code ${code}`
    const last = stderr.trim().split('\n').at(-1)
    throw new Error(`the GPU adapter probe ${how}${last ? ` (${last.trim()})` : ''}`)
  }
  if (answer.adapter) return answer.adapter
  // Dawn says why it turned an adapter down only in its warnings ("Warning: Vulkan ... required").
  const warning = /^Warning: (.+)$/m.exec(stderr)?.[1]
  throw new Error(warning ? `${answer.reason} (${warning.trim()})` : answer.reason)
}

const couldNotStart = (error: unknown) =>
  new Error(`the GPU adapter probe could not start: ${errorMessage(error)}`, { cause: error })

async function runProbe(launch: LaunchProbe, entry: ProcessEntry, timeoutMs: number) {
  let child: ProbeProcess
  try {
    child = launch(entry)
  } catch (error) {
    throw couldNotStart(error)
  }
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill()
  }, timeoutMs)
  try {
    const { code, signal } = await child.ended.catch((error: unknown) => {
      throw couldNotStart(error)
    })
    // A launcher may report the exit before the pipes have delivered the last output.
    await Promise.all([child.stdout, child.stderr].map((stream) => stream && finished(stream)))
    return { stdout, stderr, code, signal, timedOut }
  } finally {
    clearTimeout(timer)
  }
}
