/**
 * Whether a checkpoint can be loaded, checked without tfjs: both JSON documents parse and each
 * binary file holds exactly the bytes its manifest lists. The main process checks before it
 * resumes a run (so a damaged checkpoint changes nothing), and the trainer before it loads one
 * (so the user reads which file of which epoch is wrong, not a tensor shape of tfjs).
 */
import { readFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { z } from 'zod'
import { selectionStateSchema } from '@common/selection'
import { UserError } from '../errors'
import { checkpointFolder, latestCheckpointEpoch } from './checkpoint-paths'

/** The version of the checkpoint files this code writes and reads. */
export const CHECKPOINT_FORMAT = 1

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  dtype: z.string(),
  quantization: z.unknown().optional(),
})
type WeightSpec = z.infer<typeof weightSpecSchema>

const modelJsonSchema = z.looseObject({
  weightsManifest: z.array(z.looseObject({ weights: z.array(weightSpecSchema) })),
})

/** A random generator's state: four unsigned 32-bit words (train/rng.ts). */
const rngStateSchema = z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()])

/** `state.json`: what a checkpoint records beside the tensors, and the optimizer's weight specs. */
export const checkpointStateSchema = z.object({
  format: z.number(),
  epoch: z.number().int().min(1),
  /** The run's random generator after this epoch (next shuffle, next dropout masks). */
  rng: rngStateSchema,
  /** The generator of augmentation seeds after this epoch; absent in checkpoints of earlier versions. */
  augmentRng: rngStateSchema.optional(),
  /** Best epoch and early stopping after this epoch; absent in checkpoints of earlier versions. */
  selection: selectionStateSchema.optional(),
  /** Training time of the run up to the end of this epoch, across resumes. */
  elapsedMs: z.number(),
  optimizer: z.string(),
  optimizerWeights: z.array(weightSpecSchema),
})
export type CheckpointStateFile = z.infer<typeof checkpointStateSchema>

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 }

/**
 * The epoch a resumed run continues after: the newest checkpoint, which must not be older than
 * the one its record names (`recordedEpoch`) and must be whole. Throws a UserError naming the
 * missing or damaged file and its epoch; 0 when the run has no checkpoint and needs none.
 */
export async function resumableCheckpointEpoch(
  checkpointsDir: string,
  recordedEpoch: number,
  runId: string,
): Promise<number> {
  const epoch = await latestCheckpointEpoch(checkpointsDir)
  if (epoch < recordedEpoch) {
    const folder = join('checkpoints', basename(checkpointFolder(checkpointsDir, recordedEpoch)))
    throw new UserError(
      `Run ${runId} cannot be resumed: the checkpoint of epoch ${recordedEpoch} (${folder}) is missing.`,
      'unavailable',
      'id',
    )
  }
  if (epoch === 0) return 0
  const defect = await checkpointDefect(checkpointFolder(checkpointsDir, epoch))
  if (defect) throw damagedCheckpoint(runId, epoch, defect)
  return epoch
}

/** The error for a checkpoint that cannot be loaded; `defect` names the file and what is wrong. */
export function damagedCheckpoint(runId: string, epoch: number, defect: string): UserError {
  return new UserError(
    `Run ${runId} cannot be resumed: the checkpoint of epoch ${epoch} is damaged: ${defect}`,
    'unavailable',
    'id',
  )
}

/** What is wrong with a checkpoint folder, as a sentence naming the file; null when nothing is. */
export async function checkpointDefect(folder: string): Promise<string | null> {
  const model = await readJson(folder, 'model.json')
  if (typeof model === 'string') return model
  const manifest = modelJsonSchema.safeParse(model)
  if (!manifest.success) return 'model.json has no weightsManifest.'
  const weights = await sizeDefect(
    folder,
    'weights.bin',
    manifest.data.weightsManifest.flatMap((group) => group.weights),
    'model.json',
  )
  if (weights) return weights
  const state = await readJson(folder, 'state.json')
  if (typeof state === 'string') return state
  const parsed = checkpointStateSchema.safeParse(state)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return `state.json has a bad or missing field ${issue.path.join('.') || 'in the document'}.`
  }
  if (parsed.data.format !== CHECKPOINT_FORMAT)
    return `state.json is of format ${parsed.data.format}, which this version does not read.`
  return sizeDefect(folder, 'optimizer.bin', parsed.data.optimizerWeights, 'state.json')
}

/** The parsed document, or a sentence saying why there is none. */
async function readJson(folder: string, name: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(join(folder, name), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? `${name} is missing.` : `${name} cannot be read (${code}).`
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    return `${name} is not valid JSON.`
  }
}

async function sizeDefect(
  folder: string,
  name: string,
  specs: WeightSpec[],
  listedIn: string,
): Promise<string | null> {
  let size: number
  try {
    size = (await stat(join(folder, name))).size
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? `${name} is missing.` : `${name} cannot be read (${code}).`
  }
  const expected = expectedBytes(specs)
  if (expected === null || expected === size) return null
  return `${name} has ${size} bytes where ${listedIn} lists ${expected}.`
}

/** The bytes of the listed weights, or null when a spec's size cannot be told (strings, quantized). */
function expectedBytes(specs: WeightSpec[]): number | null {
  let total = 0
  for (const spec of specs) {
    const bytes = DTYPE_BYTES[spec.dtype]
    if (bytes === undefined || spec.quantization !== undefined) return null
    total += spec.shape.reduce((a, b) => a * b, 1) * bytes
  }
  return total
}
