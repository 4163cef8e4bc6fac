/**
 * The run store and the runs of the main side.
 *
 *   new RunManager({ home, emit, launch? })   start, stop, resume, list, get, rename, updateNotes, delete, waitFor
 *   summarizeMetrics(metrics)                 a run's summary from its epochs
 */
export { RunManager, type RunManagerOptions } from './run-manager'
export type { CheckDataset, DatasetFacts } from './dataset-facts'
export { RunStore } from './store'
export { summarizeMetrics } from '@common/summary'
export { runPaths } from '../run-files/paths'
export { readMetrics } from '../run-files/metrics'
export { exportModel } from './export-model'
export { exportOnnx } from './export-onnx'
