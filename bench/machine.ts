/** What the bench ran on: the CPU's model and the SIMD instruction sets it offers. */
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'

/** The SIMD features worth naming, as /proc/cpuinfo spells them. */
const SIMD_FLAGS = [
  'sse4_2',
  'avx',
  'avx2',
  'fma',
  'avx512f',
  'avx512bw',
  'avx512_vnni',
  'avx512_bf16',
  'amx_tile',
]

export interface Machine {
  cpu: string
  cores: number
  /** The CPU's SIMD extensions (Linux: from /proc/cpuinfo; elsewhere unknown). */
  simd: string[] | null
}

export function describeMachine(): Machine {
  let simd: string[] | null = null
  try {
    const flags =
      /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim().split(/\s+/) ?? []
    simd = SIMD_FLAGS.filter((flag) => flags.includes(flag))
  } catch (error) {
    // Not Linux: the model name from os.cpus() is all there is.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), simd }
}
