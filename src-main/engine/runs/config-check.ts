/**
 * The checks a run's configuration passes before the run is created or resumed: its data set
 * loads, its network builds on it, its augmentation and validation split suit that data set, and,
 * trained here, it fits this machine's memory.
 */
import type { EmitEvent } from '@common/contract'
import type { BackendPreference, RunConfig } from '@common/schemas'
import { checkAugmentation } from '../data/augment'
import { planLayers } from '../model/architecture'
import { checkValidationSplit, type CheckDataset, type DatasetFacts } from './dataset-facts'
import { checkRunMemory, type MemoryEnvironment } from './memory-check'

/** What the checks read: the home, how a data set is loaded, and what a run's memory is checked against. */
export interface ConfigCheckEnvironment {
  home: string
  /** Tells the views how far decoding a folder data set got. */
  emit: EmitEvent
  checkDataset: CheckDataset
  memoryEnvironment: (preference: BackendPreference) => Promise<MemoryEnvironment>
}

/** The data set's facts, once the data set, the network and the memory it needs all work; UserError else. */
export async function checkRunConfig(
  config: RunConfig,
  env: ConfigCheckEnvironment,
  remote = false,
): Promise<DatasetFacts> {
  const facts = await env.checkDataset(config, env.home, (progress) =>
    env.emit('datasets.decoding', { dataset: config.dataset, ...progress }),
  )
  const layers = planLayers(
    config.architecture,
    [facts.rows, facts.cols, facts.channels],
    facts.classNames.length,
  )
  checkAugmentation(config.augmentation, facts)
  checkValidationSplit(config.validationSplit, facts.trainCount)
  // A worker checks its own memory when it takes the run; this machine's says nothing of it.
  if (!remote) checkRunMemory(config, layers, await env.memoryEnvironment(config.backend))
  return facts
}
