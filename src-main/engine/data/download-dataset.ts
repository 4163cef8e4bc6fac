/**
 * Downloading MNIST or Fashion-MNIST from its published mirrors into `<home>/datasets/<name>/`:
 * the four `.gz` files, each checked against its published checksums, and the set parsed once
 * before it replaces any earlier copy.
 */
import type { DatasetInfo, DownloadProgress } from '@common/contract'
import type { DatasetRef } from '@common/schemas'
import {
  IDX_FILE_NAMES,
  IDX_ROLES,
  NAMED_DATASETS,
  type FileChecksums,
  type IdxFiles,
  type NamedDataset,
} from './catalog'
import { describeDataset } from './describe'
import { downloadFiles } from './download'
import { loadIdxSet } from './idx-set'
import { downloadFolder } from './sources'

export interface DownloadDatasetOptions {
  home: string
  /** Called for every chunk of every file; throttle before showing it. */
  onProgress?: (progress: DownloadProgress) => void
  /** Base URLs to try in order instead of the published mirrors. */
  mirrors?: string[]
  signal?: AbortSignal
  /** Checksums to expect instead of the published ones (tests serve their own small files). */
  checksums?: IdxFiles<FileChecksums>
  /** Give up on a mirror that sends nothing for this long (default 30 s). */
  timeoutMs?: number
}

/** Downloads and verifies a named data set; throws UserError and leaves no file behind on failure. */
export async function downloadDataset(
  name: NamedDataset,
  options: DownloadDatasetOptions,
): Promise<DatasetInfo> {
  const spec = NAMED_DATASETS[name]
  const ref: DatasetRef = { kind: name }
  const checksums = options.checksums ?? spec.checksums
  const fileName = (role: keyof IdxFiles) => `${IDX_FILE_NAMES[role]}.gz`
  await downloadFiles({
    targetDir: downloadFolder(options.home, name),
    files: IDX_ROLES.map((role) => ({
      name: fileName(role),
      bytes: checksums[role].bytesGz,
      md5: checksums[role].md5Gz,
      sha256: checksums[role].sha256,
    })),
    mirrors: options.mirrors ?? spec.mirrors,
    title: spec.title,
    onProgress: (file, receivedBytes, totalBytes) =>
      options.onProgress?.({ dataset: ref, file, receivedBytes, totalBytes }),
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    // Checksums prove the files are the published ones; parsing proves they are a usable set.
    verify: async (paths) => {
      await loadIdxSet(Object.fromEntries(IDX_ROLES.map((role) => [role, paths[fileName(role)]])) as IdxFiles)
    },
  })
  return describeDataset(ref, { home: options.home })
}
