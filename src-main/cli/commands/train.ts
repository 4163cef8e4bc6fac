import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { EventChannel, EventPayload, RunRecord } from '@common/contract'
import { formatLearningRate, formatPercent } from '@common/format'
import { requestSchemas } from '@common/requests'
import { RUN_LIMITS } from '@common/run-limits'
import { backendPreferenceSchema, optimizerSchema, type DatasetRef, type RunConfig } from '@common/schemas'
import type { z } from 'zod'
import { UserError, errorMessage } from '../../engine/errors'
import { resolveHome } from '../../engine/home'
import { RunManager } from '../../engine/runs'
import type { LaunchTrainer } from '../../engine/train'
import { HELP_FLAG, HOME_FLAG, numberFlag, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'
import { describeBackend, formatDuration, formatEpoch } from './runs'

/** The flags of `train`; the numbers are checked against the run limits, as the app's form checks them. */
export const TRAIN_FLAGS = {
  dataset: { type: 'string', description: 'mnist, fashion-mnist, or a folder of IDX files (default mnist)' },
  architecture: {
    type: 'string',
    description: "the network as JSON, inline or in a file (default: the notebook's)",
  },
  epochs: numberFlag(RUN_LIMITS.epochs, 'passes over the training set (default 50)'),
  'batch-size': numberFlag(RUN_LIMITS.batchSize, 'images per step (default 100)'),
  'learning-rate': numberFlag(RUN_LIMITS.learningRate, 'step size of the optimizer (default 1e-4)'),
  optimizer: { type: 'string', choices: optimizerSchema.options, description: 'default adam' },
  momentum: numberFlag(RUN_LIMITS.momentum, 'momentum of sgd (default 0.9)'),
  seed: numberFlag(RUN_LIMITS.seed, 'seed of the weights, shuffling and dropout (default 42)'),
  'train-limit': numberFlag(RUN_LIMITS.trainLimit, 'train on the first N training images only'),
  backend: { type: 'string', choices: backendPreferenceSchema.options, description: 'default auto' },
  replicas: numberFlag(
    RUN_LIMITS.replicas,
    'data-parallel replicas, one per core, on wasm/cpu (default: 2 on wasm with 2+ cores, else 1; 1 on webgpu)',
  ),
  name: { type: 'string', description: 'a name for the run' },
  resume: { type: 'string', description: 'continue run ID from its last checkpoint (its settings are kept)' },
  home: HOME_FLAG,
  json: { type: 'boolean', description: 'print one JSON event a line instead of text' },
  help: HELP_FLAG,
} satisfies FlagSpecs

export type TrainFlags = ReturnType<typeof parseFlags<typeof TRAIN_FLAGS>>['flags']

/** The config field each flag sets, to name the flag when the value is refused. */
const FLAG_OF_FIELD: Record<string, string> = {
  dataset: 'dataset',
  architecture: 'architecture',
  epochs: 'epochs',
  batchSize: 'batch-size',
  learningRate: 'learning-rate',
  optimizer: 'optimizer',
  momentum: 'momentum',
  seed: 'seed',
  trainLimit: 'train-limit',
  backend: 'backend',
  replicas: 'replicas',
  name: 'name',
}

export interface TrainIO extends CommandIO {
  /** Home when --home is not given (tests); else WORKBENCH_HOME or the OS default. */
  home?: string
  /** How training processes start (tests); defaults to fork. */
  launch?: LaunchTrainer
}

/**
 * `npm run train -- [flags]`: trains a run, printing an epoch a line (or JSON events), and
 * returns the exit code: 0 completed, 2 bad input (nothing written), 1 failed, 130 stopped by
 * Ctrl-C (the finished epochs are kept; `--resume ID` continues).
 */
export async function runTrain(argv: string[], io: TrainIO): Promise<number> {
  let flags: TrainFlags
  let config: RunConfig | null
  try {
    ;({ flags } = parseFlags(argv, TRAIN_FLAGS))
    if (flags.help) {
      io.stdout.write(usage('train', 'Train a network and record the run.', TRAIN_FLAGS))
      return 0
    }
    config =
      flags.resume === undefined ? configFromFlags(flags, await readArchitecture(flags.architecture)) : null
    if (flags.resume !== undefined) refuseSettingsWithResume(flags)
  } catch (error) {
    return reportUserError(error, io)
  }

  const printer = new TrainPrinter(io, flags.json ?? false)
  const runs: RunManager = new RunManager({
    home: resolveHome(flags.home ?? io.home),
    emit: (channel, payload) => {
      printer.event(channel, payload)
      // The record says which backend runs once the training process has started.
      if (channel === 'runs.changed' && !printer.backendShown) {
        const { runId } = payload as EventPayload<'runs.changed'>
        runs.get(runId).then(
          (details) => printer.started(details.record),
          (error: unknown) => io.stderr.write(`Reading run ${runId} failed: ${errorMessage(error)}\n`),
        )
      }
    },
    launch: io.launch,
  })
  let record: RunRecord
  try {
    record = config ? await runs.start(config) : await runs.resume(flags.resume!)
  } catch (error) {
    return reportUserError(error, io)
  }
  printer.begin(record, config === null)

  let interrupts = 0
  const onInterrupt = () => {
    interrupts++
    if (interrupts === 1) {
      io.stderr.write('\nStopping at the next batch boundary (Ctrl-C again to quit at once)...\n')
      runs
        .stop(record.id)
        .catch((error: unknown) => io.stderr.write(`Stopping failed: ${errorMessage(error)}\n`))
    } else {
      // The training process exits with us; the run is then reported as interrupted.
      process.exit(130)
    }
  }
  process.on('SIGINT', onInterrupt)
  try {
    const final = await runs.waitFor(record.id)
    printer.end(final)
    if (final.status === 'completed') return 0
    return final.status === 'stopped' ? 130 : 1
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}

/** The run configuration the flags (and the --architecture JSON) describe; a UserError naming the flag if refused. */
export function configFromFlags(flags: TrainFlags, architecture: unknown): RunConfig {
  // The same strict check as a runs.start request: a misspelt key in --architecture is refused.
  const parsed = requestSchemas['runs.start'].safeParse({
    name: flags.name,
    dataset: flags.dataset === undefined ? undefined : datasetRef(flags.dataset),
    architecture,
    epochs: flags.epochs,
    batchSize: flags['batch-size'],
    learningRate: flags['learning-rate'],
    optimizer: flags.optimizer,
    momentum: flags.momentum,
    seed: flags.seed,
    trainLimit: flags['train-limit'],
    backend: flags.backend,
    replicas: flags.replicas,
  })
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]
  const flag = FLAG_OF_FIELD[String(issue.path[0])] ?? String(issue.path[0])
  throw new UserError(describeFlagIssue(issue, flag, flags[flag as keyof TrainFlags]), 'invalid', flag)
}

/** What is wrong with the value of a flag, in the flag's own terms. */
function describeFlagIssue(issue: z.core.$ZodIssue, flag: string, value: unknown): string {
  const inside = issue.path.slice(1).join('.')
  if (issue.code === 'unrecognized_keys') {
    const key = [inside, issue.keys[0]].filter(Boolean).join('.')
    return `--${flag} has "${key}", which is not a field of a network.`
  }
  if (!inside && issue.code === 'too_small')
    return `--${flag} must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}, not ${String(value)}.`
  if (!inside && issue.code === 'too_big')
    return `--${flag} must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, not ${String(value)}.`
  const where = inside ? ` (at ${inside})` : ''
  return `--${flag} is not accepted${where}: ${issue.message.replace(/\.$/, '')}.`
}

/** The value of --architecture: inline JSON, or the path of a JSON file. */
async function readArchitecture(value: string | undefined): Promise<unknown> {
  if (value === undefined) return undefined
  let text = value
  if (!value.trimStart().startsWith('{')) {
    try {
      text = await readFile(value, 'utf8')
    } catch (error) {
      throw new UserError(
        `--architecture: cannot read ${value} (${errorMessage(error)}).`,
        'invalid',
        'architecture',
      )
    }
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new UserError('--architecture is not valid JSON.', 'invalid', 'architecture')
  }
}

function datasetRef(value: string): DatasetRef {
  if (value === 'mnist' || value === 'fashion-mnist') return { kind: value }
  return { kind: 'folder', path: resolve(value) }
}

function refuseSettingsWithResume(flags: TrainFlags): void {
  const settings = Object.values(FLAG_OF_FIELD).filter(
    (flag) => flags[flag as keyof TrainFlags] !== undefined,
  )
  if (settings.length > 0) {
    throw new UserError(
      `--resume keeps the run's own settings; drop --${settings[0]}.`,
      'invalid',
      settings[0],
    )
  }
}

function reportUserError(error: unknown, io: CommandIO): number {
  if (error instanceof UserError) {
    io.stderr.write(`${error.message}\n`)
    return 2
  }
  io.stderr.write(`train failed: ${errorMessage(error)}\n`)
  return 1
}

/** What the command prints: text with a live progress bar on a terminal, or JSON events. */
class TrainPrinter {
  backendShown = false
  private barShown = false
  private runId: string | null = null
  private readonly tty: boolean

  constructor(
    private readonly io: TrainIO,
    private readonly json: boolean,
  ) {
    this.tty = !json && io.stdout.isTTY === true
  }

  begin(record: RunRecord, resumed: boolean): void {
    this.runId = record.id
    if (this.json) return
    const c = record.config
    const data = record.dataset ? `${record.dataset.title}, ${record.dataset.trainCount} training images` : ''
    const verb = resumed
      ? `Resuming run ${record.id} after epoch ${record.checkpointEpoch}`
      : `Run ${record.id}`
    this.line(
      `${verb} "${record.name}": ${data}; ${c.epochs === 1 ? '1 epoch' : `${c.epochs} epochs`}, batch ${c.batchSize}, ${c.optimizer} at ${formatLearningRate(c.learningRate)}`,
    )
  }

  event<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    if (this.json) {
      this.io.stdout.write(JSON.stringify({ event: channel, data: payload }) + '\n')
      return
    }
    if (channel === 'runs.epoch') {
      const e = payload as EventPayload<'runs.epoch'>
      this.line(formatEpoch(e.metrics, e.epochs, e.etaMs))
    } else if (channel === 'runs.progress' && this.tty) {
      this.bar(payload as EventPayload<'runs.progress'>)
    }
  }

  /** The record after the trainer started: show the backend once. */
  started(record: RunRecord): void {
    if (this.json || this.backendShown || !record.backend) return
    this.backendShown = true
    this.line(`Backend: ${describeBackend(record)}`)
  }

  end(record: RunRecord): void {
    if (this.json) {
      this.io.stdout.write(JSON.stringify({ event: 'result', data: record }) + '\n')
      return
    }
    this.clearBar()
    const s = record.summary
    const result = s
      ? `validation accuracy ${formatPercent(s.valAccuracy)} (best ${formatPercent(s.bestValAccuracy)} at epoch ${s.bestEpoch}), ${Math.round(s.samplesPerSec)} samples/s, ${formatDuration(s.durationMs)} of training`
      : 'no epoch finished'
    if (record.backend) this.started(record)
    if (record.status === 'completed') this.line(`Completed run ${record.id}: ${result}.`)
    else if (record.status === 'stopped') {
      this.line(`Stopped run ${record.id} after epoch ${record.checkpointEpoch}: ${result}.`)
      this.line(`Continue it with: npm run train -- --resume ${record.id}`)
    } else this.io.stderr.write(`Run ${record.id} ${record.status}: ${record.error ?? 'no reason given'}\n`)
  }

  private bar(p: EventPayload<'runs.progress'>): void {
    if (this.runId !== null && p.runId !== this.runId) return
    const width = 24
    const filled = Math.round((p.batch / p.batches) * width)
    const eta = p.etaMs === null ? '' : ` ETA ${formatDuration(p.etaMs)}`
    const text =
      `epoch ${p.epoch}/${p.epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.batch}/${p.batches} ` +
      `loss ${p.loss.toFixed(4)} acc ${formatPercent(p.accuracy)} ${Math.round(p.samplesPerSec)}/s${eta}`
    this.io.stdout.write(`\r\x1b[K${text}`)
    this.barShown = true
  }

  private clearBar(): void {
    if (!this.barShown) return
    this.io.stdout.write('\r\x1b[K')
    this.barShown = false
  }

  private line(text: string): void {
    this.clearBar()
    this.io.stdout.write(text + '\n')
  }
}
