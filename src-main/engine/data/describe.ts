/**
 * The list of data sets a person can pick from, with whether each is on this machine and, when
 * not, why. Counts come from the files' headers (or the parsed set), never from a full parse.
 */
import type { DatasetInfo } from '@common/contract'
import type { DatasetRef } from '@common/schemas'
import { UserError, errorMessage } from '../errors'
import { allowsHorizontalFlip } from './augment'
import { classNamesOf, datasetTitle } from './catalog'
import { summarizeIdxSet } from './idx-set'
import { loadedDataset } from './load'
import { locateDataset, type LocateOptions } from './sources'

export interface DescribeOptions extends LocateOptions {
  /** The folder of IDX files from the settings, listed last when set. */
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
    classNames: classNamesOf(ref),
    allowsHorizontalFlip: allowsHorizontalFlip(ref),
  }
  try {
    const source = await locateDataset(ref, options)
    const loaded = await loadedDataset(ref, source.files)
    const counts = loaded
      ? { trainCount: loaded.train.count, testCount: loaded.test.count }
      : await summarizeIdxSet(source.files)
    return { ...info, available: true, trainCount: counts.trainCount, testCount: counts.testCount }
  } catch (error) {
    if (!(error instanceof UserError))
      throw new Error(`Could not describe ${info.title}: ${errorMessage(error)}`, { cause: error })
    return { ...info, reason: error.message }
  }
}
