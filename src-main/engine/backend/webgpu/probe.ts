/**
 * Runs the GPU adapter probe (`probe-entry.ts`) in its own short-lived process and reads its
 * answer: the adapter WebGPU would train on here, or why there is none.
 */
import { spawn } from 'node:child_process'
import { z } from 'zod'
import { gpuAdapterSchema, type GpuAdapter } from '@common/schemas'
import { resolveProcessEntry, type ProcessEntry } from '../../process-entry'

const probeAnswerSchema = z.union([
  z.object({ adapter: gpuAdapterSchema }),
  z.object({ adapter: z.null(), reason: z.string() }),
])
/** What the probe process prints, one JSON line. */
export type ProbeAnswer = z.infer<typeof probeAnswerSchema>

/** The probe's entry: `probe-entry.ts` from source, `gpu-probe.js` beside the bundle. */
export function resolveProbeEntry(moduleUrl = import.meta.url): ProcessEntry {
  return resolveProcessEntry(moduleUrl, 'probe-entry.ts', 'gpu-probe.js')
}

/** A driver that hangs while adapters are enumerated must not hold up backend selection. */
const PROBE_TIMEOUT_MS = 60_000

/** The adapter the probe process finds; throws with the reason (one line) when there is none. */
export async function probeGpuAdapter(
  entry: ProcessEntry = resolveProbeEntry(),
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<GpuAdapter> {
  const { stdout, stderr, code, signal } = await runProbe(entry, timeoutMs)
  const line = stdout.trim().split('\n').at(-1) ?? ''
  let answer: ProbeAnswer | null = null
  try {
    answer = probeAnswerSchema.parse(JSON.parse(line))
  } catch {
    // No answer: the process died first (a driver crashed); say how, with its last words.
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
    const last = stderr.trim().split('\n').at(-1)
    throw new Error(`the GPU adapter probe ${how}${last ? ` (${last.trim()})` : ''}`)
  }
  if (answer.adapter) return answer.adapter
  // Dawn says why it turned an adapter down only in its warnings ("Warning: Vulkan ... required").
  const warning = /^Warning: (.+)$/m.exec(stderr)?.[1]
  throw new Error(warning ? `${answer.reason} (${warning.trim()})` : answer.reason)
}

function runProbe(
  entry: ProcessEntry,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    // In Electron, process.execPath is the app itself; this makes it a plain Node for the probe.
    const child = spawn(process.execPath, [...entry.execArgv, entry.path], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: timeoutMs,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)))
    child.on('error', (error) => reject(new Error(`the GPU adapter probe could not start: ${error.message}`)))
    child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }))
  })
}
