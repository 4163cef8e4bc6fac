/**
 * What the main side checks of a run's data set before it creates the run, and the run's default
 * name, which those facts give.
 */
import type { DatasetReport } from '@common/datasets'
import { formatLearningRate } from '@common/format'
import { validationCount } from '@common/recipe'
import type { RunRecord } from '@common/run-record'
import type { DatasetRef, RunConfig } from '@common/schemas'
import { loadDataset, type DecodeProgress } from '../data'
import { UserError } from '../errors'

/** What the main side learns of a data set before it creates a run on it. */
export interface DatasetFacts {
  /** The data set as loaded: a folder's with its input filled in, which the run records. */
  ref: DatasetRef
  title: string
  rows: number
  cols: number
  channels: number
  classNames: string[]
  report: DatasetReport | null
  trainCount: number
  testCount: number
}

/** Loads and validates a run's data set (decoding a folder when needed); throws UserError for a missing or broken one. */
export type CheckDataset = (
  config: RunConfig,
  home: string,
  onProgress?: (progress: DecodeProgress) => void,
) => Promise<DatasetFacts>

/** Checks a run's data set by loading it with the data helper (cached per process and, decoded, on disk). */
export async function checkDatasetWithLoader(
  config: RunConfig,
  home: string,
  onProgress?: (progress: DecodeProgress) => void,
): Promise<DatasetFacts> {
  const dataset = await loadDataset(config.dataset, { home, onProgress })
  return {
    ref: dataset.ref,
    title: dataset.title,
    rows: dataset.rows,
    cols: dataset.cols,
    channels: dataset.channels,
    classNames: dataset.classNames,
    report: dataset.report,
    trainCount: Math.min(dataset.train.count, config.trainLimit ?? Infinity),
    testCount: dataset.test.count,
  }
}

/** The name of a run not given one: data set, optimizer and learning rate, epochs, images. */
export function defaultRunName(config: RunConfig, facts: DatasetFacts): string {
  const epochs = config.epochs === 1 ? '1 epoch' : `${config.epochs} epochs`
  const images = config.trainLimit === null ? '' : `, ${facts.trainCount} images`
  return `${facts.title}, ${config.optimizer} ${formatLearningRate(config.learningRate)}, ${epochs}${images}`
}

/** Throws a UserError when a validation split of `fraction` would leave no image to train on. */
export function checkValidationSplit(fraction: number, trainCount: number): void {
  if (validationCount(trainCount, fraction) >= trainCount) {
    const images = trainCount === 1 ? '1 training image' : `${trainCount} training images`
    throw new UserError(
      `A validation split of ${fraction} leaves none of the ${images} to train on; use more images or a split of 0.`,
      'invalid',
      'validationSplit',
    )
  }
}

/** The record of a new run on a checked data set, before its id: no epoch, backend or summary yet. */
export function newRunDraft(
  config: RunConfig,
  facts: DatasetFacts,
  status: RunRecord['status'],
): Omit<RunRecord, 'id'> {
  const now = new Date().toISOString()
  return {
    name: config.name || defaultRunName(config, facts),
    createdAt: now,
    updatedAt: now,
    status,
    config,
    dataset: {
      ref: config.dataset,
      title: facts.title,
      trainCount: facts.trainCount,
      testCount: facts.testCount,
      classNames: facts.classNames,
      inputShape: [facts.rows, facts.cols, facts.channels],
      report: facts.report,
    },
    backend: null,
    summary: null,
    checkpointEpoch: 0,
  }
}
