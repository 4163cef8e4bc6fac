/**
 * The list of data sets a person can pick from, with whether each is on this machine and, when
 * not, why. Counts come from the files' headers or the folder's listing (or the loaded set),
 * never from a full parse or a decoding.
 */
import type { DatasetInfo } from '@common/contract'
import type { DatasetRef } from '@common/schemas'
import { UserError, errorMessage } from '../errors'
import { allowsHorizontalFlip } from './augment'
import { classNamesOf, datasetTitle } from './catalog'
import { openFolder } from './folder-source'
import { summarizeIdxSet } from './idx-set'
import { folderInput, loadedFolder } from './load'
import { locateDataset, type LocateOptions } from './sources'

export interface DescribeOptions extends LocateOptions {
  /** The data folder from the settings, listed last when set. */
  dataFolder: string | null
}

/** MNIST (built in), Fashion-MNIST (downloaded or not, with the reason), and the data folder if set. */
export async function describeDatasets(options: DescribeOptions): Promise<DatasetInfo[]> {
  const refs: DatasetRef[] = [{ kind: 'mnist' }, { kind: 'fashion-mnist' }]
  if (options.dataFolder) refs.push({ kind: 'folder', path: options.dataFolder })
  return Promise.all(refs.map((ref) => describeDataset(ref, options)))
}

/** One entry of the list; a problem with the files becomes its `reason`, not an exception. */
export async function describeDataset(ref: DatasetRef, options: LocateOptions): Promise<DatasetInfo> {
  const info: DatasetInfo = {
    ref,
    title: datasetTitle(ref),
    available: false,
    trainCount: null,
    testCount: null,
    classNames: ref.kind === 'folder' ? [] : classNamesOf(ref),
    allowsHorizontalFlip: allowsHorizontalFlip(ref),
    format: null,
    inputShape: null,
    input: null,
    report: null,
  }
  try {
    if (ref.kind === 'folder') return { ...info, ...(await describeFolder(ref)) }
    const source = await locateDataset(ref, options)
    const summary = await summarizeIdxSet(source.files)
    return {
      ...info,
      available: true,
      trainCount: summary.trainCount,
      testCount: summary.testCount,
      inputShape: [summary.rows, summary.cols, 1],
    }
  } catch (error) {
    if (!(error instanceof UserError))
      throw new Error(`Could not describe ${info.title}: ${errorMessage(error)}`, { cause: error })
    return { ...info, reason: error.message }
  }
}

/** What a folder holds: from the loaded set when it is loaded, else from its listing. */
async function describeFolder(ref: Extract<DatasetRef, { kind: 'folder' }>): Promise<Partial<DatasetInfo>> {
  const source = await openFolder(ref.path)
  const input = await folderInput(ref, source)
  const loaded = await loadedFolder({ ...ref, ...input }, source.signature)
  const channels = input.color === 'rgb' ? 3 : 1
  return {
    available: true,
    allowsHorizontalFlip: allowsHorizontalFlip(ref, source.format),
    format: source.format,
    input,
    inputShape: [input.inputSize, input.inputSize, channels],
    classNames: loaded?.classNames ?? source.classNames,
    trainCount: loaded?.train.count ?? source.trainCount,
    testCount: loaded?.test.count ?? source.testCount,
    report: loaded?.report ?? null,
  }
}
