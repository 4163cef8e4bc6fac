/**
 * The models being inspected, one per run, each the run's newest checkpoint. A running run saves
 * a new checkpoint every epoch; the next request after that loads it. A model that is replaced or
 * evicted is disposed once the requests still using it are done.
 */
import type * as tfl from '@tensorflow/tfjs-layers'
import { UserError } from '../errors'
import { latestCheckpointEpoch, loadCheckpointModel } from './checkpoint-model'
import { createLayerProbe, type LayerProbe } from './probe'

/** A loaded checkpoint, ready for inference. */
export interface InspectedModel {
  epoch: number
  model: tfl.LayersModel
  probe: LayerProbe
}

interface Entry extends InspectedModel {
  users: number
  retired: boolean
}

interface Slot {
  epoch: number
  entry: Promise<Entry>
}

export class ModelCache {
  private readonly slots = new Map<string, Slot>()

  /** Keeps the models of at most `maxRuns` runs (each a few MB for the notebook's network). */
  constructor(private readonly maxRuns = 4) {}

  /** Runs `use` with the model of the newest checkpoint in `checkpointsDir`, loading it if needed. */
  async use<T>(
    runId: string,
    checkpointsDir: string,
    use: (model: InspectedModel) => Promise<T>,
  ): Promise<T> {
    const latest = await latestCheckpointEpoch(checkpointsDir)
    if (latest === 0) throw noCheckpoint(runId)
    let slot = this.slots.get(runId)
    if (slot && slot.epoch >= latest) {
      // Most recently used last, so eviction takes the oldest.
      this.slots.delete(runId)
      this.slots.set(runId, slot)
    } else {
      const previous = slot
      slot = this.load(runId, checkpointsDir, latest)
      if (previous) this.retire(previous)
      this.evict()
    }
    const entry = await slot.entry
    entry.users++
    try {
      return await use(entry)
    } finally {
      entry.users--
      if (entry.retired && entry.users === 0) entry.model.dispose()
    }
  }

  /** Disposes every model (when they are in use, as soon as they are not). */
  clear(): void {
    for (const slot of this.slots.values()) this.retire(slot)
    this.slots.clear()
  }

  private load(runId: string, checkpointsDir: string, epoch: number): Slot {
    const slot: Slot = {
      epoch,
      entry: loadCheckpointModel(checkpointsDir).then((loaded) => {
        if (!loaded) throw noCheckpoint(runId)
        // It may be newer than the listing said, if an epoch ended in between.
        slot.epoch = loaded.epoch
        return { ...loaded, probe: createLayerProbe(loaded.model), users: 0, retired: false }
      }),
    }
    slot.entry.catch(() => {
      // A failed load is not kept: the next request tries again.
      if (this.slots.get(runId) === slot) this.slots.delete(runId)
    })
    this.slots.set(runId, slot)
    return slot
  }

  private retire(slot: Slot): void {
    slot.entry.then(
      (entry) => {
        entry.retired = true
        if (entry.users === 0) entry.model.dispose()
      },
      () => undefined,
    )
  }

  private evict(): void {
    for (const [runId, slot] of this.slots) {
      if (this.slots.size <= this.maxRuns) break
      this.slots.delete(runId)
      this.retire(slot)
    }
  }
}

function noCheckpoint(runId: string): UserError {
  return new UserError(
    `Run ${runId} has no checkpoint yet: the first one is saved when its first epoch ends.`,
    'unavailable',
    'runId',
  )
}
