import type { EventChannel, EventPayload, RunRecord } from '@common/contract'
import { formatLearningRate, formatPercent } from '@common/format'
import { describeQueuePlace } from '@common/limits'
import { validationCount } from '@common/recipe'
import type { RunConfig } from '@common/schemas'
import { UserError, errorMessage } from '../../engine/errors'
import { resolveHome } from '../../engine/home'
import { redactRedisUrl, redisOptions } from '../../engine/remote/redis-url'
import { RunManager } from '../../engine/runs'
import { openSettingsForReading } from '../../engine/settings/file-store'
import type { LaunchTrainer } from '../../engine/train'
import { HELP_FLAG, HOME_FLAG, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'
import { DecodePrinter, reportLines } from './dataset-lines'
import { describeBackend, describeResult, formatDuration, formatEpoch } from './runs'
import { RUN_FLAGS, configFromFlags, givenRunFlags } from './train-config'

/** The flags of `train`; the numbers are checked against the run limits, as the app's form checks them. */
export const TRAIN_FLAGS = {
  ...RUN_FLAGS,
  resume: { type: 'string', description: 'continue run ID from its last checkpoint (its settings are kept)' },
  redis: {
    type: 'string',
    description:
      'train (or resume) on the workers of this Redis queue (redis:// or rediss:// URL) instead of here',
  },
  home: HOME_FLAG,
  json: { type: 'boolean', description: 'print one JSON event a line instead of text' },
  help: HELP_FLAG,
} satisfies FlagSpecs

export type TrainFlags = ReturnType<typeof parseFlags<typeof TRAIN_FLAGS>>['flags']

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
    config = flags.resume === undefined ? await configFromFlags(flags) : null
    if (flags.resume !== undefined) refuseSettingsWithResume(flags)
  } catch (error) {
    return reportUserError(error, io)
  }

  const printer = new TrainPrinter(io, flags.json ?? false)
  const home = resolveHome(flags.home ?? io.home)
  const redis = flags.redis
  try {
    if (redis !== undefined) redisOptions(redis)
  } catch (error) {
    return reportUserError(error, io)
  }
  const settings = openSettingsForReading(home, (sentence) => io.stderr.write(`${sentence}\n`))
  let shownWorker: string | null = null
  const runs: RunManager = new RunManager({
    home,
    maxTrainers: () => settings.get().maxTrainers,
    redisUrl: () => redis ?? null,
    log: (line) => io.stderr.write(`${line}\n`),
    emit: (channel, payload) => {
      printer.event(channel, payload)
      // The record says which backend runs once the training process has started, and which worker took it.
      if (channel === 'runs.changed' && (!printer.backendShown || redis !== undefined)) {
        const { runId } = payload as EventPayload<'runs.changed'>
        runs.get(runId, { batches: false }).then(
          ({ record }) => {
            const worker = record.worker
            if (worker && !printer.json && worker.name !== shownWorker) {
              shownWorker = worker.name
              io.stdout.write(`Training on worker ${worker.name} (${worker.host}).\n`)
            }
            printer.started(record)
          },
          (error: unknown) => io.stderr.write(`Reading run ${runId} failed: ${errorMessage(error)}\n`),
        )
      }
    },
    launch: io.launch,
  })
  try {
    let record: RunRecord
    try {
      record = config ? await runs.start(config) : await runs.resume(flags.resume!)
    } catch (error) {
      return reportUserError(error, io)
    }
    if (redis === undefined) printer.begin(record, config === null)
    else {
      printer.begin({ ...record, status: 'running' }, config === null)
      if (!printer.json)
        io.stdout.write(`Queued on ${redactRedisUrl(redis)}: the first free worker takes it.\n`)
    }
    return await untilEnded(runs.waitFor(record.id), printer, interruptHandler(runs, record.id, io))
  } finally {
    // Closes the connection to Redis (a run of this process has ended by now).
    if (redis !== undefined) await runs.shutdown()
  }
}

/** Ctrl-C: the run stops at its next batch boundary (here or on its worker); twice: quit at once. */
function interruptHandler(runs: RunManager, id: string, io: CommandIO): () => void {
  let interrupts = 0
  const onInterrupt = () => {
    interrupts++
    if (interrupts === 1) {
      io.stderr.write('\nStopping at the next batch boundary (Ctrl-C again to quit at once)...\n')
      runs.stop(id).catch((error: unknown) => io.stderr.write(`Stopping failed: ${errorMessage(error)}\n`))
    } else {
      // The training process exits with us; the run is then reported as interrupted.
      process.exit(130)
    }
  }
  return onInterrupt
}

/** Waits for the run's end with Ctrl-C handled by `onInterrupt`; prints it and returns the exit code. */
async function untilEnded(
  ended: Promise<RunRecord>,
  printer: TrainPrinter,
  onInterrupt: () => void,
): Promise<number> {
  process.on('SIGINT', onInterrupt)
  try {
    const final = await ended
    printer.end(final)
    if (final.status === 'completed') return 0
    return final.status === 'stopped' ? 130 : 1
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}

/** How many images a run trains on and what it validates on: "300 training images, 30 of them held out to validate". */
function describeImages(config: RunConfig, trainCount: number): string {
  const held = validationCount(trainCount, config.validationSplit)
  return `${trainCount} training images, ${held > 0 ? `${held} of them held out to validate` : 'validated on the test set'}`
}

function refuseSettingsWithResume(flags: TrainFlags): void {
  const settings = givenRunFlags(flags)
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
  private wasQueued = false
  private runId: string | null = null
  private readonly tty: boolean
  private readonly decoding: DecodePrinter

  constructor(
    private readonly io: TrainIO,
    readonly json: boolean,
  ) {
    this.tty = !json && io.stdout.isTTY === true
    this.decoding = new DecodePrinter(io)
  }

  begin(record: RunRecord, resumed: boolean): void {
    this.runId = record.id
    if (this.json) return
    const c = record.config
    const data = record.dataset
      ? `${record.dataset.title}, ${describeImages(c, record.dataset.trainCount)}`
      : ''
    const verb = resumed
      ? `Resuming run ${record.id} after epoch ${record.checkpointEpoch}`
      : `Run ${record.id}`
    this.line(
      `${verb} "${record.name}": ${data}; ${c.epochs === 1 ? '1 epoch' : `${c.epochs} epochs`}, batch ${c.batchSize}, ${c.optimizer} at ${formatLearningRate(c.learningRate)}`,
    )
    const classes = record.dataset?.classNames
    if (classes && record.dataset?.report) this.line(`${classes.length} classes: ${classes.join(', ')}.`)
    for (const line of record.dataset?.report ? reportLines(record.dataset.report) : []) this.line(line)
    if (record.status === 'queued') this.queued(record.queuePlace)
  }

  private queued(place: number | undefined): void {
    this.wasQueued = true
    this.line(
      `Queued, ${describeQueuePlace(place ?? 1)}: the trainers this home allows at once (setting maxTrainers) are busy.`,
    )
  }

  event<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    if (this.json) {
      this.io.stdout.write(JSON.stringify({ event: channel, data: payload }) + '\n')
      return
    }
    if (channel === 'datasets.decoding') {
      this.decoding.update(payload as EventPayload<'datasets.decoding'>)
    } else if (channel === 'runs.epoch') {
      const e = payload as EventPayload<'runs.epoch'>
      this.line(formatEpoch(e.metrics, e.epochs, e.etaMs))
    } else if (channel === 'runs.progress' && this.tty) {
      this.bar(payload as EventPayload<'runs.progress'>)
    } else if (channel === 'runs.status' && this.runId !== null) {
      const e = payload as EventPayload<'runs.status'>
      if (e.runId !== this.runId) return
      if (e.status === 'queued') this.queued(e.queuePlace)
      else if (e.status === 'running' && this.wasQueued) this.line('A trainer is free: training starts.')
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
    const result = record.summary ? `${describeResult(record.summary)} of training` : 'no epoch finished'
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
