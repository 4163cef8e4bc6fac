/** How a network is written for people. */
import type { RunRecord } from '@common/contract'

type Architecture = RunRecord['config']['architecture']

/**
 * A network as one line: `conv5×5·32 maxpool → conv5×5·64 maxpool → dense 500 drop 0.4 → dense 10`;
 * several convs of a block as `×2`, batch norm as `bn`, a stride as `/2`, global average pooling
 * as `gap`; the output layer has one unit a class.
 */
export function describeArchitecture(architecture: Architecture, classCount: number): string {
  const conv = architecture.convBlocks.map((b) =>
    [
      `conv${b.kernelSize}×${b.kernelSize}·${b.filters}`,
      b.convs > 1 ? `×${b.convs}` : '',
      b.stride > 1 ? `/${b.stride}` : '',
      b.activation !== 'relu' ? b.activation : '',
      b.batchNorm ? 'bn' : '',
      b.pooling !== 'none' ? `${b.pooling}pool` : '',
      b.dropout ? `drop ${b.dropout}` : '',
    ]
      .filter(Boolean)
      .join(' '),
  )
  const dense = architecture.denseLayers.map((d) =>
    [
      `dense ${d.units}`,
      d.activation !== 'relu' ? d.activation : '',
      d.batchNorm ? 'bn' : '',
      d.dropout ? `drop ${d.dropout}` : '',
    ]
      .filter(Boolean)
      .join(' '),
  )
  const pooled = architecture.globalPooling === 'avg' ? ['gap'] : []
  return [...conv, ...pooled, ...dense, `dense ${classCount}`].join(' → ')
}
