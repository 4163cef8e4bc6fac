/**
 * The one typed contract between the renderer and the main side: requests that return a result,
 * and events pushed from main to the renderer. Shells (Electron IPC, HTTP + WebSocket) carry it;
 * `dispatch.ts` validates every request against `requestSchemas` where it is received.
 */
import type { z } from 'zod'
import type { EventChannel, RequestChannel } from './channels'
import {
  datasetRefSchema,
  emptySchema,
  modelSummaryRequestSchema,
  runConfigSchema,
  runRefSchema,
  runIdSchema,
  runRenameSchema,
  settingsPatchSchema,
} from './schemas'
import type { BackendPreference, DatasetRef, RunConfig, Settings } from './schemas'
import { z as zod } from 'zod'

export type { EventChannel, RequestChannel } from './channels'

/** A compute backend the engine knows how to load, best first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'

export interface BackendCandidate {
  name: BackendName
  /** The npm package that provides it. */
  package: string
  available: boolean
  /** Why it was not chosen or could not load; absent for the chosen one. */
  reason?: string
}

/** Which backend runs, and why the better ones do not. */
export interface BackendReport {
  preference: BackendPreference
  selected: BackendName | null
  candidates: BackendCandidate[]
}

/** The backend a run actually used. */
export interface BackendUsed {
  name: BackendName
  version: string
  device: string
  threads: number
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
  /** Why it is unavailable, when it is. */
  reason?: string
}

export interface DatasetPreview {
  ref: DatasetRef
  rows: number
  cols: number
  /** `count` images, row-major 8-bit grey, concatenated. Base64 so it survives JSON. */
  pixelsBase64: string
  labels: number[]
  classNames: string[]
  /** Images per class in the training set. */
  trainClassCounts: number[]
  testClassCounts: number[]
}

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted'

export interface RunSummary {
  epochs: number
  trainLoss: number
  trainAccuracy: number
  valLoss: number
  valAccuracy: number
  bestValAccuracy: number
  bestEpoch: number
  samplesPerSec: number
  durationMs: number
}

export interface RunDatasetInfo {
  ref: DatasetRef
  title: string
  trainCount: number
  testCount: number
}

/** What `run.json` holds. */
export interface RunRecord {
  id: string
  name: string
  createdAt: string
  updatedAt: string
  status: RunStatus
  config: RunConfig
  dataset: RunDatasetInfo | null
  backend: BackendUsed | null
  summary: RunSummary | null
  /** Last epoch whose checkpoint is on disk; 0 before the first. */
  checkpointEpoch: number
  error?: string
}

/** One line of `metrics.jsonl` for a finished epoch. */
export interface EpochMetrics {
  type: 'epoch'
  epoch: number
  trainLoss: number
  trainAccuracy: number
  valLoss: number
  valAccuracy: number
  samplesPerSec: number
  elapsedMs: number
  time: string
}

/** A throttled per-batch sample. */
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
  /** The input as the network sees it, after preprocessing, [rows, cols, 1] in [-1, 1]. */
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
  /** The images in the order asked, 8-bit grey, concatenated. */
  pixelsBase64: string
  labels: number[]
}

export interface ModelExport {
  epoch: number
  /** model.json, whose weightsManifest names `weightsFileName`. */
  modelJson: string
  weightsFileName: string
  weightsBase64: string
}

/** Requests: payload in, result out. */
export interface RequestMap {
  'app.info': { input: void; output: AppInfo }
  'settings.get': { input: void; output: Settings }
  'settings.update': { input: z.input<typeof settingsPatchSchema>; output: Settings }
  'model.summary': { input: z.input<typeof modelSummaryRequestSchema>; output: ModelSummary }
  'datasets.list': { input: void; output: DatasetInfo[] }
  'datasets.preview': { input: z.input<typeof datasetPreviewRequestSchema>; output: DatasetPreview }
  'datasets.download': { input: z.input<typeof datasetDownloadRequestSchema>; output: DatasetInfo }
  'runs.start': { input: z.input<typeof runConfigSchema>; output: RunRecord }
  'runs.stop': { input: { id: string }; output: RunRecord }
  'runs.resume': { input: { id: string }; output: RunRecord }
  'runs.list': { input: void; output: RunListItem[] }
  /** `batches: false` leaves out the per-batch curve (views that need only the epochs). */
  'runs.get': { input: { id: string; batches?: boolean }; output: RunDetails }
  'runs.rename': { input: { id: string; name: string }; output: RunRecord }
  'runs.delete': { input: { id: string }; output: { id: string } }
  /** A checkpoint's model in tfjs layers format, to save as model.json + weights file. */
  'runs.exportModel': { input: { id: string; epoch?: number }; output: ModelExport }
  /** A native folder picker (desktop app only; `unavailable` in a browser). */
  'app.chooseFolder': { input: { title?: string }; output: { path: string | null } }
  'inspect.activations': { input: z.input<typeof inspectActivationsRequestSchema>; output: ActivationsResult }
  'inspect.evaluate': { input: { runId: string }; output: EvaluationResult }
  'inspect.images': { input: z.input<typeof inspectImagesRequestSchema>; output: ImagesResult }
}

/** Events: pushed from main to every renderer. */
export interface EventMap {
  'runs.progress': BatchProgress
  'runs.epoch': { runId: string; metrics: EpochMetrics; epochs: number; etaMs: number | null }
  'runs.status': { runId: string; status: RunStatus; error?: string }
  /** Something in the run store changed (created, renamed, deleted): lists should reload. */
  'runs.changed': { runId: string }
  'datasets.progress': DownloadProgress
  /** Progress of a test-set evaluation. */
  'inspect.progress': { runId: string; done: number; total: number }
}

export type RequestInput<C extends RequestChannel> = RequestMap[C]['input']
export type RequestOutput<C extends RequestChannel> = RequestMap[C]['output']
export type EventPayload<E extends EventChannel> = EventMap[E]

export const datasetPreviewRequestSchema = zod
  .object({ dataset: datasetRefSchema, count: zod.number().int().min(1).max(200).default(40) })
  .strict()
export const datasetDownloadRequestSchema = zod
  .object({ dataset: zod.enum(['mnist', 'fashion-mnist']) })
  .strict()

export const inspectImageSchema = zod.discriminatedUnion('kind', [
  /** A test-set image by index. */
  zod.object({ kind: zod.literal('test'), index: zod.number().int().min(0) }),
  /** A random test image of a class (seeded so a refresh shows the same one). */
  zod.object({
    kind: zod.literal('random'),
    label: zod.number().int().min(0).max(9),
    seed: zod.number().int().min(0).default(0),
  }),
  /** Grey pixels from a drawing or an image file, 0 = background, 255 = ink. */
  zod.object({
    kind: zod.literal('pixels'),
    width: zod.number().int().min(1).max(1024),
    height: zod.number().int().min(1).max(1024),
    pixelsBase64: zod.string().max(1_500_000),
    /** 'mnist' centres by mass and scales into a 20x20 box like MNIST's digits; 'resize' only resizes. */
    preprocess: zod.enum(['mnist', 'resize']).default('mnist'),
  }),
])
export const inspectActivationsRequestSchema = zod
  .object({ runId: runIdSchema, image: inspectImageSchema })
  .strict()
export const inspectImagesRequestSchema = zod
  .object({ runId: runIdSchema, indices: zod.array(zod.number().int().min(0)).min(1).max(500) })
  .strict()
export const inspectRunSchema = zod.object({ runId: runIdSchema }).strict()

/** The schema each request's payload is checked against where it is received. */
export const requestSchemas: { [C in RequestChannel]: z.ZodType } = {
  'app.info': emptySchema,
  'settings.get': emptySchema,
  'settings.update': settingsPatchSchema,
  'model.summary': modelSummaryRequestSchema,
  'datasets.list': emptySchema,
  'datasets.preview': datasetPreviewRequestSchema,
  'datasets.download': datasetDownloadRequestSchema,
  'runs.start': runConfigSchema,
  'runs.stop': runRefSchema,
  'runs.resume': runRefSchema,
  'runs.list': emptySchema,
  'runs.get': zod.object({ id: runIdSchema, batches: zod.boolean().default(true) }).strict(),
  'runs.rename': runRenameSchema,
  'runs.delete': runRefSchema,
  'runs.exportModel': zod.object({ id: runIdSchema, epoch: zod.number().int().min(1).optional() }).strict(),
  'app.chooseFolder': zod.object({ title: zod.string().max(200).optional() }).strict(),
  'inspect.activations': inspectActivationsRequestSchema,
  'inspect.evaluate': inspectRunSchema,
  'inspect.images': inspectImagesRequestSchema,
}

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
  [C in RequestChannel]: (input: RequestOutputInput<C>) => Promise<RequestOutput<C>>
}

/** A handler receives the payload after its schema parsed it (defaults filled in). */
export type RequestOutputInput<C extends RequestChannel> = C extends 'runs.start'
  ? RunConfig
  : C extends 'settings.update'
    ? Partial<Settings>
    : C extends 'model.summary'
      ? z.output<typeof modelSummaryRequestSchema>
      : C extends 'datasets.preview'
        ? z.output<typeof datasetPreviewRequestSchema>
        : C extends 'runs.get'
          ? { id: string; batches: boolean }
          : C extends 'inspect.activations'
            ? z.output<typeof inspectActivationsRequestSchema>
            : RequestInput<C>

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
