/**
 * Loading a data set into typed arrays, once per process: the set is kept in memory by its ref
 * (a folder's with its input filled in), and reused as long as its files keep their paths,
 * sizes and modification times. Folders are recognised by what they hold (`folder-source.ts`);
 * what needs decoding comes from the data set cache on disk when it can.
 */
import type { DatasetReport, ImageInput } from '@common/datasets'
import type { DatasetRef } from '@common/schemas'
import { IDX_ROLES, classNamesOf, datasetKey, datasetTitle } from './catalog'
import { filesSignature, openFolder, type FolderSource } from './folder-source'
import { loadIdxSet, type DatasetSplit } from './idx-set'
import type { DecodeProgress } from './image-set'
import { locateDataset, type LocateOptions } from './sources'

export interface Dataset {
  /** The ref it was loaded for; a folder's with every input field filled in. */
  ref: DatasetRef
  title: string
  classNames: string[]
  rows: number
  cols: number
  /** 1 (grey) or 3 (RGB, interleaved). */
  channels: number
  train: DatasetSplit
  test: DatasetSplit
  /** What loading a folder found; null for the named sets. */
  report: DatasetReport | null
}

export interface LoadOptions extends LocateOptions {
  /** How far decoding is, when the set has to be decoded (a folder of images seen for the first time). */
  onProgress?: (progress: DecodeProgress) => void
}

interface CacheEntry {
  /** The files' signature the set was made from. */
  signature: string
  dataset: Promise<Dataset>
  /** Everyone waiting for this set who wants to see its decoding progress. */
  listeners: Set<(progress: DecodeProgress) => void>
}

/** One entry per data set: a newer copy of the files replaces the old set. */
const cache = new Map<string, CacheEntry>()
/** A folder's default input, by its signature (reading image headers for it takes a moment). */
const defaultInputs = new Map<string, Promise<ImageInput>>()

/** Loads (once per process, cached by ref) and validates; throws UserError. */
export async function loadDataset(ref: DatasetRef, options: LoadOptions): Promise<Dataset> {
  if (ref.kind !== 'folder') {
    const source = await locateDataset(ref, options)
    const signature = await filesSignature(IDX_ROLES.map((role) => source.files[role]))
    return cached(datasetKey(ref), signature, options, () =>
      loadIdxSet(source.files, source.check).then((set) => ({
        ref,
        title: datasetTitle(ref),
        classNames: classNamesOf(ref),
        channels: 1,
        report: null,
        ...set,
      })),
    )
  }
  const source = await openFolder(ref.path)
  const input = await folderInput(ref, source)
  const resolved: DatasetRef = { ...ref, ...input }
  return cached(datasetKey(resolved), source.signature, options, (onProgress) =>
    source.build(input, options.home, { onProgress }).then((set) => ({
      ref: resolved,
      title: datasetTitle(ref),
      ...set,
    })),
  )
}

/** A folder's input: the ref's choices, and the folder's defaults for what it leaves out. */
export async function folderInput(
  ref: Extract<DatasetRef, { kind: 'folder' }>,
  source: FolderSource,
): Promise<ImageInput> {
  let defaults: Promise<ImageInput> | undefined
  if (ref.inputSize === undefined || ref.color === undefined || ref.fit === undefined) {
    const key = `${source.folder}\n${source.signature}`
    defaults = defaultInputs.get(key)
    if (!defaults) {
      defaults = source.defaults()
      defaultInputs.set(key, defaults)
    }
  }
  const chosen = defaults ? await defaults : null
  return {
    inputSize: ref.inputSize ?? chosen!.inputSize,
    color: ref.color ?? chosen!.color,
    fit: ref.fit ?? chosen!.fit,
  }
}

/** The folder's set if it is already loaded for this input and its files did not change; never decodes. */
export async function loadedFolder(
  resolved: Extract<DatasetRef, { kind: 'folder' }>,
  signature: string,
): Promise<Dataset | null> {
  const entry = cache.get(datasetKey(resolved))
  if (!entry || entry.signature !== signature) return null
  return entry.dataset.catch(() => null)
}

/** Forgets every loaded data set (tests; freeing memory). */
export function clearDatasetCache(): void {
  cache.clear()
  defaultInputs.clear()
}

async function cached(
  key: string,
  signature: string,
  options: LoadOptions,
  load: (onProgress: (progress: DecodeProgress) => void) => Promise<Dataset>,
): Promise<Dataset> {
  let entry = cache.get(key)
  if (!entry || entry.signature !== signature) {
    const listeners = new Set<(progress: DecodeProgress) => void>()
    const fresh: CacheEntry = {
      signature,
      listeners,
      dataset: load((progress) => listeners.forEach((listener) => listener(progress))),
    }
    entry = fresh
    cache.set(key, entry)
    // A failed load is not kept: the user may fix the files and try again.
    fresh.dataset.catch(() => {
      if (cache.get(key) === fresh) cache.delete(key)
    })
  }
  const listener = options.onProgress
  if (listener) entry.listeners.add(listener)
  try {
    return await entry.dataset
  } finally {
    if (listener) entry.listeners.delete(listener)
  }
}
