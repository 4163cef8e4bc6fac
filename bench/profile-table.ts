/**
 * The per-operation view of one training step, workbench kernels beside PyTorch's ops: both
 * sorted into the same categories (pytorch_peer.py's CATEGORIES sorts PyTorch's), so the gap
 * shows per kind of work, then each side's slowest kernels.
 */

export interface KernelTime {
  kernel: string
  totalMs: number
  calls: number
}

/** The categories of both profiles, in print order; anything else is 'other'. */
const CATEGORIES: [string, RegExp][] = [
  ['conv forward', /^(Conv2D|FusedConv2D)$/],
  ['conv gradients', /^Conv2DBackprop/],
  ['dense layers', /MatMul/],
  ['pooling', /Pool/],
  ['batch norm', /BatchNorm/],
  ['optimizer', /^WorkbenchAdam$/],
]
const ORDER = [...CATEGORIES.map(([label]) => label), 'other']

/** Milliseconds per category of the workbench's kernels. */
export function workbenchCategories(kernels: readonly KernelTime[]): Record<string, number> {
  const sums: Record<string, number> = {}
  for (const k of kernels) {
    const label = CATEGORIES.find(([, pattern]) => pattern.test(k.kernel))?.[0] ?? 'other'
    sums[label] = (sums[label] ?? 0) + k.totalMs
  }
  return sums
}

const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1)).padStart(9)

/** The lines of the side-by-side table and of both top lists. */
export function profileLines(
  ours: { kernels: KernelTime[]; cpuMs: number; images: number },
  peer: { ops: KernelTime[]; categories: Record<string, number>; stepMs: number } | null,
): string[] {
  const mine = workbenchCategories(ours.kernels)
  const theirs = peer?.categories ?? {}
  const lines = [
    `one step of ${ours.images} images, ms (workbench: CPU time of its kernels; PyTorch: torch.profiler's self times), least of 3 runs`,
    `  ${'operation'.padEnd(16)} ${'workbench'.padStart(9)} ${'PyTorch'.padStart(9)}`,
  ]
  for (const label of ORDER) lines.push(`  ${label.padEnd(16)} ${ms(mine[label])} ${ms(theirs[label])}`)
  lines.push(`  ${'whole step'.padEnd(16)} ${ms(ours.cpuMs)} ${ms(peer?.stepMs)}`)
  const top = (title: string, list: readonly KernelTime[]) => [
    `  ${title}:`,
    ...list.slice(0, 12).map((k) => `    ${k.kernel.padEnd(40)} ${ms(k.totalMs)} ms (${k.calls} calls)`),
  ]
  lines.push(...top('workbench kernels', ours.kernels))
  if (peer) lines.push(...top('PyTorch ops', peer.ops))
  return lines
}
