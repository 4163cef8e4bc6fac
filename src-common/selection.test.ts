import { describe, expect, it } from 'vitest'
import { INITIAL_SELECTION, keepsBest, selectEpoch, selectEpochs, stopsEarly } from './selection'

const epochs = [
  { epoch: 1, valLoss: 0.5, valAccuracy: 0.9 },
  { epoch: 2, valLoss: 0.3, valAccuracy: 0.95 },
  { epoch: 3, valLoss: 0.29, valAccuracy: 0.97 },
  { epoch: 4, valLoss: 0.35, valAccuracy: 0.97 },
  { epoch: 5, valLoss: 0.4, valAccuracy: 0.96 },
]

describe('selection', () => {
  it('picks the best epoch by the monitored figure, the first of equals', () => {
    expect(selectEpochs({ monitor: 'val_accuracy', earlyStopping: null }, epochs).bestEpoch).toBe(3)
    expect(selectEpochs({ monitor: 'val_loss', earlyStopping: null }, epochs).bestEpoch).toBe(3)
    const later = [...epochs, { epoch: 6, valLoss: 0.28, valAccuracy: 0.9 }]
    expect(selectEpochs({ monitor: 'val_loss', earlyStopping: null }, later).bestEpoch).toBe(6)
    expect(selectEpochs({ monitor: 'val_accuracy', earlyStopping: null }, later).bestEpoch).toBe(3)
  })

  it('stops after `patience` epochs without an improvement larger than minDelta', () => {
    const config = { monitor: 'val_loss' as const, earlyStopping: { patience: 2, minDelta: 0.05 } }
    const states = epochs.map((_, i) => selectEpochs(config, epochs.slice(0, i + 1)))
    // Epoch 3 improves on 0.3 by only 0.01: it is the best epoch but not an improvement.
    expect(states.map((s) => s.epochsWithoutImprovement)).toEqual([0, 0, 1, 2, 3])
    expect(states.map((s) => stopsEarly(config, s))).toEqual([false, false, false, true, true])
    expect(states[3].bestEpoch).toBe(3)
  })

  it('never stops without early stopping; a NaN figure never becomes the best', () => {
    const config = { monitor: 'val_loss' as const, earlyStopping: null }
    const state = selectEpoch(config, INITIAL_SELECTION, { epoch: 1, valLoss: NaN, valAccuracy: 0 })
    expect(state.bestEpoch).toBe(0)
    expect(stopsEarly(config, { ...state, epochsWithoutImprovement: 1000 })).toBe(false)
    expect(keepsBest({ keepBest: false, earlyStopping: { patience: 3, minDelta: 0 } })).toBe(true)
    expect(keepsBest({ keepBest: false, earlyStopping: null })).toBe(false)
  })
})
