/**
 * Loading a data set into typed arrays, once per process: the parsed set is kept in memory by
 * its ref, and reused as long as its files keep their size and modification time.
 */
import { stat } from 'node:fs/promises'
import type { DatasetRef } from '@common/schemas'
import { IDX_ROLES, classNamesOf, datasetKey, datasetTitle, type IdxFiles } from './catalog'
import { loadIdxSet, type DatasetSplit } from './idx-set'
import { locateDataset, type LocateOptions } from './sources'

export interface Dataset {
  ref: DatasetRef
  title: string
  classNames: string[]
  rows: number
  cols: number
  train: DatasetSplit
  test: DatasetSplit
}

interface CacheEntry {
  /** Paths, sizes and mtimes of the files the set was parsed from. */
  signature: string
  dataset: Promise<Dataset>
}

/** One entry per data set: a newer copy of the files replaces the old parse. */
const cache = new Map<string, CacheEntry>()

/** Loads (parse once per process, cached in memory by ref) and validates; throws UserError. */
export async function loadDataset(ref: DatasetRef, options: LocateOptions): Promise<Dataset> {
  const source = await locateDataset(ref, options)
  const key = datasetKey(ref)
  const signature = await filesSignature(source.files)
  const entry = cache.get(key)
  if (entry && entry.signature === signature) return entry.dataset
  const dataset = loadIdxSet(source.files, source.check).then((set): Dataset => ({
    ref,
    title: datasetTitle(ref),
    classNames: classNamesOf(ref),
    ...set,
  }))
  cache.set(key, { signature, dataset })
  try {
    return await dataset
  } catch (error) {
    // A failed parse is not kept: the user may fix the files and try again.
    if (cache.get(key)?.dataset === dataset) cache.delete(key)
    throw error
  }
}

/** The data set if it is already parsed and its files did not change since; never reads them. */
export async function loadedDataset(ref: DatasetRef, files: IdxFiles): Promise<Dataset | null> {
  const entry = cache.get(datasetKey(ref))
  if (!entry || entry.signature !== (await filesSignature(files))) return null
  return entry.dataset.catch(() => null)
}

/** Forgets every parsed data set (tests; freeing memory). */
export function clearDatasetCache(): void {
  cache.clear()
}

async function filesSignature(files: IdxFiles): Promise<string> {
  const parts = await Promise.all(
    IDX_ROLES.map(async (role) => {
      const info = await stat(files[role]).catch(() => null)
      return info ? `${files[role]}:${info.size}:${info.mtimeMs}` : `${files[role]}:absent`
    }),
  )
  return parts.join('|')
}
