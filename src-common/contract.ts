/**
 * The one typed contract between the renderer and the main side: requests that return a result,
 * and events pushed from main to the renderer. Shells (Electron IPC, HTTP + WebSocket) carry it;
 * `dispatch.ts` validates every request against `requestSchemas` where it is received.
 */
import type { EventChannel, RequestChannel } from './channels'
import type { HandlerInput, RequestInput, inspectImageSchema } from './requests'
import type { QueueEntry } from './queue'
import type { RedisCheck, WorkersList } from './remote-run'
import type { EpochMetrics, RunRecord, RunStatus } from './run-record'
import type { DatasetReport, FolderFormat, ImageInput } from './datasets'
import type { BackendName, BackendPreference, DatasetRef, GpuAdapter, Settings } from './schemas'
import type { SweepRecord } from './sweep'
import type { z } from 'zod'

export type { EventChannel, RequestChannel } from './channels'
export type { HandlerInput, RequestInput } from './requests'
export type {
  BackendUsed,
  BatchSample,
  EpochMetrics,
  RunDatasetInfo,
  RunRecord,
  RunStatus,
  RunSummary,
} from './run-record'
export type { BackendName } from './schemas'
export type { QueueEntry } from './queue'
export type { RedisCheck, WorkerRow, WorkersList } from './remote-run'
export type { SweepConfig, SweepConfigInput, SweepRecord, SweepTrial, TrialState } from './sweep'

export interface BackendCandidate {
  name: BackendName
  /** The npm package that provides it. */
  package: string
  available: boolean
  /** Why it was not chosen or could not load; absent for the chosen one. */
  reason?: string
  /** The GPU adapter it found (webgpu). */
  adapter?: GpuAdapter
}

/** Which backend runs, and why the better ones do not. */
export interface BackendReport {
  preference: BackendPreference
  selected: BackendName | null
  candidates: BackendCandidate[]
}

export interface AppInfo {
  name: string
  version: string
  platform: string
  arch: string
  nodeVersion: string
  electronVersion: string | null
  shell: 'electron' | 'web' | 'cli'
  home: string
  backend: BackendReport
  /** What the limits of a run are drawn from: the trainer cap's default, the memory check. */
  machine: { cores: number; memoryBytes: number }
}

export interface LayerSummary {
  name: string
  type: string
  outputShape: number[]
  params: number
}

export interface ModelSummary {
  layers: LayerSummary[]
  totalParams: number
}

export interface DatasetInfo {
  ref: DatasetRef
  title: string
  /** Whether its files are on this machine (built in, downloaded, or the folder checked). */
  available: boolean
  trainCount: number | null
  testCount: number | null
  classNames: string[]
  /** Whether augmentation may mirror its images (a mirrored digit is another shape: MNIST may not). */
  allowsHorizontalFlip: boolean
  /** What a folder holds; null for the named sets (and a folder that could not be read). */
  format: FolderFormat | null
  /** [rows, cols, channels] of the network's input made from its images, when known. */
  inputShape: [number, number, number] | null
  /** A folder's input with its defaults filled in. */
  input: ImageInput | null
  /** What decoding found, once the folder has been decoded in this process. */
  report: DatasetReport | null
  /** Why it is unavailable, when it is. */
  reason?: string
}

export interface DatasetPreview {
  /** The data set as loaded: a folder's ref with its input filled in. */
  ref: DatasetRef
  rows: number
  cols: number
  /** 1 (grey) or 3 (RGB). */
  channels: number
  /** `count` images, row-major 8-bit, channels interleaved, concatenated. Base64 so it survives JSON. */
  pixelsBase64: string
  labels: number[]
  classNames: string[]
  /** Images per class in the training set. */
  trainClassCounts: number[]
  testClassCounts: number[]
  /** What loading a folder found (skipped files, empty classes); null for the named sets. */
  report: DatasetReport | null
}

/** Training images as stored and as augmentation transforms them, for the new-run form's preview. */
export interface AugmentPreview {
  rows: number
  cols: number
  /** 1 (grey) or 3 (RGB, interleaved). */
  channels: number
  /** Training-set indices, spread over the classes as `datasets.preview` spreads test images. */
  indices: number[]
  labels: number[]
  /** The images as stored, 8-bit, concatenated, base64. */
  originalsBase64: string
  /** The same images augmented (one draw each from the request's seed), in the same form. */
  augmentedBase64: string
}

/** A throttled per-batch sample, as the live view receives it. */
export interface BatchProgress {
  runId: string
  epoch: number
  epochs: number
  batch: number
  batches: number
  loss: number
  accuracy: number
  samplesPerSec: number
  elapsedMs: number
  etaMs: number | null
}

export type RunListItem =
  { id: string; damaged: false; record: RunRecord } | { id: string; damaged: true; reason: string }

export interface RunDetails {
  record: RunRecord
  metrics: EpochMetrics[]
  /** The latest per-batch losses of the current or last epoch, for the live curve. */
  batches: BatchProgress[]
}

/** How far the decoding of a folder's images is, for a progress bar. */
export interface DecodeProgress {
  /** The folder's ref as asked for. */
  dataset: DatasetRef
  /** Images decoded or skipped so far, of `total`. */
  done: number
  total: number
  skipped: number
}

export interface DownloadProgress {
  dataset: DatasetRef
  file: string
  receivedBytes: number
  totalBytes: number | null
}

/** The image an inspection looks at. */
export type InspectImageInput = z.input<typeof inspectImageSchema>

/** A float32 tensor, channel-last, as base64 of its little-endian bytes (compact over JSON). */
export interface EncodedTensor {
  shape: number[]
  dataBase64: string
  min: number
  max: number
}

export interface LayerActivations {
  /** As in the model summary: conv1, pool1, ... */
  name: string
  type: string
  /** [height, width, channels] */
  activations: EncodedTensor
}

export interface ActivationsResult {
  runId: string
  checkpointEpoch: number
  /** The input as the network sees it, after preprocessing, [rows, cols, channels] in [-1, 1]. */
  input: EncodedTensor
  /** Test-set index and true label when the image came from the test set. */
  index: number | null
  label: number | null
  classNames: string[]
  probabilities: number[]
  predicted: number
  layers: LayerActivations[]
  /** The first conv layer's kernels, [kh, kw, inChannels, filters]. */
  filters: EncodedTensor
}

export interface MisclassifiedImage {
  index: number
  label: number
  predicted: number
  confidence: number
}

export interface EvaluationResult {
  runId: string
  checkpointEpoch: number
  count: number
  accuracy: number
  loss: number
  classNames: string[]
  /** confusion[true][predicted] = count */
  confusion: number[][]
  perClass: { label: number; count: number; accuracy: number }[]
  /** Every misclassified test image, most confident mistakes first. */
  misclassified: MisclassifiedImage[]
  /** Every test image's true class, one byte each, base64 (to list the images of any confusion cell). */
  labelsBase64: string
  /** Every test image's predicted class, one byte each, base64. */
  predictedBase64: string
}

export interface ImagesResult {
  rows: number
  cols: number
  /** 1 (grey) or 3 (RGB). */
  channels: number
  /** The images in the order asked, 8-bit, channels interleaved, concatenated. */
  pixelsBase64: string
  labels: number[]
}

export interface ModelExport {
  epoch: number
  /** model.json, whose weightsManifest names `weightsFileName`. */
  modelJson: string
  modelJsonFileName: string
  weightsFileName: string
  weightsBase64: string
}

export type SweepListItem =
  { id: string; damaged: false; record: SweepRecord } | { id: string; damaged: true; reason: string }

export interface SweepDetails {
  record: SweepRecord
  /** Each trial's epochs, by run id (trials not yet created have none). */
  metrics: Record<string, EpochMetrics[]>
}

/** A checkpoint as one ONNX file, its preprocessing and class names in its metadata. */
export interface OnnxExport {
  epoch: number
  fileName: string
  onnxBase64: string
}

/** Each request's result; its payload type comes from its schema in `requests.ts`. */
export interface RequestOutputs {
  'app.info': AppInfo
  'settings.get': Settings
  'settings.update': Settings
  'model.summary': ModelSummary
  'datasets.list': DatasetInfo[]
  'datasets.preview': DatasetPreview
  'datasets.download': DatasetInfo
  'datasets.augmentPreview': AugmentPreview
  'runs.start': RunRecord
  'runs.stop': RunRecord
  'runs.resume': RunRecord
  'runs.list': RunListItem[]
  'runs.get': RunDetails
  'runs.rename': RunRecord
  'runs.update': RunRecord
  'runs.delete': { id: string }
  'runs.exportModel': ModelExport
  'runs.exportOnnx': OnnxExport
  'app.chooseFolder': { path: string | null }
  'inspect.activations': ActivationsResult
  'inspect.evaluate': EvaluationResult
  'inspect.images': ImagesResult
  'sweeps.start': SweepRecord
  'sweeps.list': SweepListItem[]
  'sweeps.get': SweepDetails
  'sweeps.stop': SweepRecord
  'sweeps.resume': SweepRecord
  'sweeps.extend': SweepRecord
  /** The queue in order, next first. */
  'queue.list': QueueEntry[]
  'queue.move': QueueEntry[]
  'queue.cancel': QueueEntry[]
  'workers.list': WorkersList
  'workers.testConnection': RedisCheck
}

/** Events: pushed from main to every renderer. */
export interface EventMap {
  'runs.progress': BatchProgress
  'runs.epoch': { runId: string; metrics: EpochMetrics; epochs: number; etaMs: number | null }
  /** A run's new status; `queuePlace` while it is queued (1: next in line). */
  'runs.status': { runId: string; status: RunStatus; error?: string; queuePlace?: number }
  /** Something in the run store changed (created, renamed, deleted): lists should reload. */
  'runs.changed': { runId: string }
  'datasets.progress': DownloadProgress
  /** Decoding a folder's images (first preview or run of a folder, or after it changed). */
  'datasets.decoding': DecodeProgress
  /** Progress of a test-set evaluation. */
  'inspect.progress': { runId: string; done: number; total: number }
  /** A sweep's record changed (a trial moved on, the sweep was created, stopped, resumed). */
  'sweeps.changed': { sweepId: string }
  /** The run queue changed: here it is, next first. */
  'queue.changed': { entries: QueueEntry[] }
}

export type RequestOutput<C extends RequestChannel> = RequestOutputs[C]
export type EventPayload<E extends EventChannel> = EventMap[E]

/** Codes of the typed errors a request can return. */
export type ApiErrorCode = 'invalid' | 'not_found' | 'conflict' | 'unavailable' | 'internal'

export interface ApiError {
  code: ApiErrorCode
  /** One sentence for a person. */
  message: string
  /** The payload field that was wrong, as a dotted path, for `invalid`. */
  field?: string
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** The implementation of every request; the shells call it only through `dispatch`. */
export type RequestHandlers = {
  [C in RequestChannel]: (input: HandlerInput<C>) => Promise<RequestOutput<C>>
}

/** Delivers an event to every subscriber of the shell. */
export type EmitEvent = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void

/**
 * What the preload exposes as `window.workbench`: one function per request, and one subscribe
 * function per event that returns its unsubscribe.
 */
export interface WorkbenchBridge {
  requests: { [C in RequestChannel]: (input: RequestInput<C>) => Promise<ApiResult<RequestOutput<C>>> }
  events: { [E in EventChannel]: (listener: (payload: EventPayload<E>) => void) => () => void }
}
