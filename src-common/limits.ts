/**
 * The limits a run meets before it trains, as pure arithmetic both sides share: how many training
 * processes a home runs at once by default, and how many replicas a run uses.
 */
import type { BackendName } from './schemas'

const GIB = 1024 ** 3

/** Memory the default cap sets aside for each training process. */
export const MEMORY_PER_TRAINER = 2 * GIB

/**
 * The default cap on training processes at once: one per two cores (a wasm trainer keeps two busy
 * with its replicas, so on 2 cores one trainer with 2 replicas, not two fighting for them), and no
 * more than the memory holds at `MEMORY_PER_TRAINER` each; at least one.
 */
export function defaultMaxTrainers(cores: number, memoryBytes: number): number {
  return Math.max(1, Math.min(Math.floor(cores / 2), Math.floor(memoryBytes / MEMORY_PER_TRAINER)))
}

/** A queued run's place in line, in words: "next in line", "2 runs ahead of it". */
export function describeQueuePlace(place: number): string {
  if (place <= 1) return 'next in line'
  return `${place - 1} run${place === 2 ? '' : 's'} ahead of it`
}

/** Replicas a run uses: its setting, or 2 on wasm with two cores; backends other than wasm and cpu use 1. */
export function replicaCount(requested: number | null, backend: BackendName, cores: number): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1
  if (requested !== null) return requested
  return backend === 'wasm' && cores >= 2 ? 2 : 1
}
