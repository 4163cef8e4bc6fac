/** How a network is written for people. */
import type { RunRecord } from '@common/contract'

/** A network as one line: `conv5×5·32 maxpool → conv5×5·64 maxpool → dense 500 drop 0.4 → dense 10`. */
export function describeArchitecture(architecture: RunRecord['config']['architecture']): string {
  const conv = architecture.convBlocks.map(
    (b) =>
      `conv${b.kernelSize}×${b.kernelSize}·${b.filters}${b.stride > 1 ? ` /${b.stride}` : ''}${b.activation !== 'relu' ? ` ${b.activation}` : ''}${b.pooling !== 'none' ? ` ${b.pooling}pool` : ''}`,
  )
  const dense = architecture.denseLayers.map(
    (d) =>
      `dense ${d.units}${d.activation !== 'relu' ? ` ${d.activation}` : ''}${d.dropout ? ` drop ${d.dropout}` : ''}`,
  )
  return [...conv, ...dense, 'dense 10'].join(' → ')
}
