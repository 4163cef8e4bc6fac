/**
 * `npm run sweep -- start FILE | list | show ID | resume ID | stop ID | extend ID TRIAL EPOCHS`:
 * hyperparameter sweeps from the command line. `start` and `resume` run the sweep in this
 * process, a line per trial event, until it ends; Ctrl-C stops it (resumable). Exit codes as for
 * train: 0 done, 2 bad input (nothing written), 1 failed, 130 stopped.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { EmitEvent, SweepListItem, SweepRecord, SweepTrial } from '@common/contract'
import { formatDuration } from './runs'
import { requestSchemas } from '@common/requests'
import { sweepConfigError, type SweepConfig } from '@common/sweep'
import { UserError, errorMessage } from '../../engine/errors'
import { resolveHome } from '../../engine/home'
import { redisOptions } from '../../engine/remote/redis-url'
import { RunManager } from '../../engine/runs'
import { openSettingsForReading } from '../../engine/settings/file-store'
import { SweepRunner } from '../../engine/sweeps/sweep-runner'
import { HELP_FLAG, HOME_FLAG, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'
import type { LaunchTrainer } from '../../engine/train'

const FLAGS = {
  home: HOME_FLAG,
  redis: {
    type: 'string',
    description:
      'start, resume, extend: train the trials on the workers of this Redis queue (redis:// or rediss:// URL)',
  },
  json: { type: 'boolean', description: 'print JSON (one event a line while a sweep runs)' },
  help: HELP_FLAG,
} satisfies FlagSpecs

const SUMMARY =
  'start FILE | list | show ID | resume ID | stop ID | extend ID TRIAL EPOCHS: hyperparameter sweeps (FILE: JSON or YAML).'

export interface SweepIO extends CommandIO {
  /** Home when --home is not given (tests); else WORKBENCH_HOME or the OS default. */
  home?: string
  /** How training processes start (tests); defaults to fork. */
  launch?: LaunchTrainer
}

/** Runs the command; returns the exit code. */
export async function runSweep(argv: string[], io: SweepIO): Promise<number> {
  try {
    const { flags, positionals } = parseFlags(argv, FLAGS)
    if (flags.help) {
      io.stdout.write(usage('sweep', SUMMARY, FLAGS))
      return 0
    }
    const [action, arg, ...rest] = positionals
    const home = resolveHome(flags.home ?? io.home)
    const json = flags.json ?? false
    const redis = flags.redis ?? null
    if (redis !== null) {
      if (!['start', 'resume', 'extend'].includes(action ?? ''))
        throw new UserError(
          '--redis goes with start, resume or extend: the commands that train.',
          'invalid',
          'redis',
        )
      redisOptions(redis)
    }
    const foreground = (begin: (sweeps: SweepRunner) => Promise<SweepRecord>) =>
      runInForeground(home, io, json, redis, begin)
    const print = (value: unknown, text: () => string) =>
      io.stdout.write(json ? JSON.stringify(value) + '\n' : text())
    const expect = (count: number) => {
      if (rest.length > count) throw new UserError(`Unexpected argument "${rest[count]}".`)
    }
    switch (action) {
      case 'start': {
        expect(0)
        const config = await readSweepFile(arg)
        return await foreground((sweeps) => sweeps.start(config))
      }
      case 'resume':
        expect(0)
        return await foreground((sweeps) => sweeps.resume(requireId(arg, 'resume')))
      case 'extend': {
        expect(2)
        const [trial, epochs] = rest.map(Number)
        if (!Number.isInteger(trial) || !Number.isInteger(epochs))
          throw new UserError('Name the trial and its new number of epochs: sweep extend ID TRIAL EPOCHS.')
        return await foreground((sweeps) => sweeps.extend(requireId(arg, 'extend'), trial, epochs))
      }
      case 'list': {
        if (arg !== undefined) throw new UserError(`Unexpected argument "${arg}".`)
        const items = await idleRunner(home).list()
        print(items, () => formatSweepList(items))
        return 0
      }
      case 'show': {
        expect(0)
        const details = await idleRunner(home).get(requireId(arg, 'show'))
        print(details, () => formatSweep(details.record))
        return 0
      }
      case 'stop': {
        expect(0)
        const record = await idleRunner(home).stop(requireId(arg, 'stop'))
        const text = record.status === 'running' ? 'asked the process running it to stop' : record.status
        print(record, () => `Sweep ${record.id}: ${text}.\n`)
        return 0
      }
      default:
        throw new UserError(
          action
            ? `Unknown action "${action}"; use start FILE, list, show ID, resume ID, stop ID or extend ID TRIAL EPOCHS.`
            : 'Name an action: start FILE, list, show ID, resume ID, stop ID or extend ID TRIAL EPOCHS.',
        )
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    io.stderr.write(`${error.message}\n`)
    return 2
  }
}

/** A sweep configuration from a JSON or YAML file, checked as strictly as a sweeps.start request. */
export async function readSweepFile(file: string | undefined): Promise<SweepConfig> {
  if (!file) throw new UserError('Name the sweep file: sweep start FILE (JSON or YAML).', 'invalid', 'file')
  const path = resolve(file)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UserError(`The sweep file ${path} cannot be read: ${errorMessage(error)}.`, 'invalid', 'file')
  }
  let document: unknown
  try {
    document = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    const kind = /\.json$/i.test(path) ? 'JSON' : 'YAML'
    throw new UserError(
      `The sweep file ${path} is not valid ${kind}: ${errorMessage(error).split('\n')[0]}`,
      'invalid',
      'file',
    )
  }
  const parsed = requestSchemas['sweeps.start'].safeParse(document)
  if (parsed.success) return parsed.data
  const { key, message } = sweepConfigError(parsed.error)
  throw new UserError(`In ${file}: ${message}`, 'invalid', key)
}

/** A runner for the commands that only read or ask: it starts no sweep itself. */
function idleRunner(home: string): SweepRunner {
  const runs = new RunManager({ home, emit: () => undefined })
  return new SweepRunner({ home, runs, emit: () => undefined })
}

/**
 * Runs a sweep in this process until it ends, printing its trials' events; Ctrl-C stops it. With
 * `redis`, its trials train on that queue's workers (trials they trained meanwhile are collected first).
 */
async function runInForeground(
  home: string,
  io: SweepIO,
  json: boolean,
  redis: string | null,
  begin: (sweeps: SweepRunner) => Promise<SweepRecord>,
): Promise<number> {
  const settings = openSettingsForReading(home, (sentence) => io.stderr.write(`${sentence}\n`))
  let sweeps: SweepRunner | null = null
  const printer = new SweepPrinter(io, json)
  const emit: EmitEvent = (channel, payload) => {
    sweeps?.observe(channel, payload)
    if (json && channel !== 'runs.progress')
      io.stdout.write(JSON.stringify({ event: channel, ...payload }) + '\n')
    if (channel === 'sweeps.changed') {
      const record = sweeps?.current((payload as { sweepId: string }).sweepId)
      if (record) printer.changed(record)
    }
  }
  const runs = new RunManager({
    home,
    emit,
    launch: io.launch,
    maxTrainers: () => settings.get().maxTrainers,
    redisUrl: () => redis,
    log: (line) => io.stderr.write(`${line}\n`),
  })
  sweeps = new SweepRunner({ home, runs, emit })
  try {
    await runs.collectRemoteRuns()
    return await followSweep(sweeps, await begin(sweeps), printer, io)
  } finally {
    // Closes the connection to Redis; trials still training on workers are collected by the next start.
    if (redis !== null) await runs.shutdown()
  }
}

/** Waits for the sweep's end, printing it; returns the exit code. */
async function followSweep(
  sweeps: SweepRunner,
  record: SweepRecord,
  printer: SweepPrinter,
  io: CommandIO,
): Promise<number> {
  const started = Date.now()
  printer.changed(record)
  let interrupts = 0
  const onInterrupt = () => {
    if (++interrupts > 1) process.exit(130)
    io.stderr.write(
      '\nStopping the sweep: its trials stop at their next batch boundary (Ctrl-C again to quit at once)...\n',
    )
    sweeps
      .stop(record.id)
      .catch((error: unknown) => io.stderr.write(`Stopping failed: ${errorMessage(error)}\n`))
  }
  process.on('SIGINT', onInterrupt)
  try {
    const final = await sweeps.waitFor(record.id)
    printer.end(final, Date.now() - started)
    return final.status === 'completed' ? 0 : final.status === 'stopped' ? 130 : 1
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}

/** Prints a line whenever a trial moves on. */
class SweepPrinter {
  private readonly seen = new Map<number, string>()
  private headerShown = false

  constructor(
    private readonly io: CommandIO,
    private readonly json: boolean,
  ) {}

  changed(record: SweepRecord): void {
    if (this.json) return
    if (!this.headerShown) {
      this.headerShown = true
      this.io.stdout.write(
        `Sweep ${record.id} (${record.name}): ${record.trialCount} trials, ${record.config.method}, ${goalText(record)}.\n`,
      )
    }
    for (const trial of record.trials) {
      const key = `${trial.state} ${trial.values.length} ${trial.runId}`
      if (this.seen.get(trial.number) === key) continue
      this.seen.set(trial.number, key)
      const line = trialLine(record, trial)
      if (line) this.io.stdout.write(line + '\n')
    }
  }

  end(record: SweepRecord, elapsedMs: number): void {
    if (this.json) {
      this.io.stdout.write(JSON.stringify({ event: 'sweep.end', record, elapsedMs }) + '\n')
      return
    }
    this.io.stdout.write(`${summary(record)} Took ${formatDuration(elapsedMs)}.\n`)
  }
}

function goalText(record: SweepRecord): string {
  return `${record.config.metric.goal === 'maximize' ? 'maximizing' : 'minimizing'} ${record.config.metric.name}`
}

function trialLine(record: SweepRecord, trial: SweepTrial): string | null {
  const name = `Trial ${trial.number}/${record.trialCount}`
  const metric = record.config.metric.name
  switch (trial.state) {
    case 'queued':
      return trial.values.length === 0
        ? `${name} queued (run ${trial.runId ?? 'not yet created'}): ${formatParams(trial.params)}`
        : null
    case 'running': {
      const last = trial.values.at(-1)
      return last === undefined
        ? `${name} training (run ${trial.runId}): ${formatParams(trial.params)}`
        : `${name} epoch ${trial.values.length}/${trial.epochs}: ${metric} ${last.toFixed(4)}`
    }
    case 'completed':
      return `${name} completed: best ${metric} ${trial.value?.toFixed(4) ?? 'none'}`
    case 'pruned':
      return `${name} pruned, ${trial.reason}.`
    case 'failed':
      return `${name} failed: ${trial.reason}`
    case 'stopped':
      return `${name} stopped at epoch ${trial.values.length} (resume the sweep to go on).`
  }
}

function formatParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(
      ([key, value]) =>
        `${key} ${typeof value === 'number' && !Number.isInteger(value) ? value.toPrecision(3) : String(value)}`,
    )
    .join(', ')
}

/** The sweep's outcome: the best trial against the median one, the pruned ones. */
export function summary(record: SweepRecord): string {
  const { metric } = record.config
  const scored = record.trials.filter((t) => t.value !== null)
  const counts = ['completed', 'pruned', 'failed', 'stopped']
    .map((state) => [state, record.trials.filter((t) => t.state === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
  let line = `Sweep ${record.id} ${record.status}: ${record.trials.length} of ${record.trialCount} trials (${counts.join(', ') || 'none finished'}).`
  if (scored.length > 0) {
    const sorted = scored.map((t) => t.value!).sort((a, b) => a - b)
    const best = scored.reduce((a, b) =>
      metric.goal === 'maximize' ? (b.value! > a.value! ? b : a) : b.value! < a.value! ? b : a,
    )
    const mid = sorted.length / 2
    const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2
    line += ` Best ${metric.name} ${best.value!.toFixed(4)} (trial ${best.number}, run ${best.runId}); median trial ${median.toFixed(4)}.`
  }
  return line
}

function formatSweepList(items: SweepListItem[]): string {
  if (items.length === 0) return 'No sweeps yet.\n'
  return items
    .map((item) =>
      item.damaged
        ? `${item.id}  damaged: ${item.reason}`
        : `${item.id}  ${item.record.status.padEnd(11)} ${item.record.trials.length}/${item.record.trialCount} trials  ${item.record.name}`,
    )
    .join('\n')
    .concat('\n')
}

function formatSweep(record: SweepRecord): string {
  const rows = record.trials.map((t) => {
    const value = t.value === null ? '-' : t.value.toFixed(4)
    const why = t.reason ? `  ${t.reason}` : ''
    return `  ${String(t.number).padStart(3)}  ${t.state.padEnd(9)} ${value.padStart(7)}  ${t.runId ?? '-'}  ${formatParams(t.params)}${why}`
  })
  return [`${summary(record)}`, `Method ${record.config.method}, ${goalText(record)}.`, ...rows, ''].join(
    '\n',
  )
}

function requireId(id: string | undefined, action: string): string {
  if (!id) throw new UserError(`Name the sweep to ${action}: npm run sweep -- ${action} ID.`, 'invalid', 'id')
  return id
}
