import type { EpochMetrics, RunDetails, RunListItem, RunRecord, RunSummary } from '@common/contract'
import { formatLearningRate, formatPercent } from '@common/format'
import { UserError } from '../../engine/errors'
import { resolveHome } from '../../engine/home'
import { RunManager } from '../../engine/runs'
import { HELP_FLAG, HOME_FLAG, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'

const FLAGS = {
  home: HOME_FLAG,
  json: { type: 'boolean', description: 'print JSON instead of a table' },
  help: HELP_FLAG,
} satisfies FlagSpecs

const SUMMARY = 'list | show ID | delete ID: the recorded training runs.'

/** `npm run runs -- list | show ID | delete ID [--home DIR] [--json]`; returns the exit code. */
export async function runRuns(argv: string[], io: CommandIO & { home?: string }): Promise<number> {
  try {
    const { flags, positionals } = parseFlags(argv, FLAGS)
    if (flags.help) {
      io.stdout.write(usage('runs', SUMMARY, FLAGS))
      return 0
    }
    const [action = 'list', id, ...extra] = positionals
    if (extra.length > 0) throw new UserError(`Unexpected argument "${extra[0]}".`)
    const runs = new RunManager({ home: resolveHome(flags.home ?? io.home), emit: () => undefined })
    const print = (value: unknown, text: () => string) =>
      io.stdout.write(flags.json ? JSON.stringify(value) + '\n' : text())
    switch (action) {
      case 'list': {
        if (id !== undefined) throw new UserError(`Unexpected argument "${id}".`)
        const items = await runs.list()
        print(items, () => formatRunList(items))
        return 0
      }
      case 'show': {
        const details = await runs.get(requireId(id, 'show'))
        print(details, () => formatRunDetails(details))
        return 0
      }
      case 'delete': {
        const deleted = await runs.delete(requireId(id, 'delete'))
        print(deleted, () => `Deleted run ${deleted.id}.\n`)
        return 0
      }
      default:
        throw new UserError(`Unknown action "${action}"; use list, show ID or delete ID.`)
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    io.stderr.write(`${error.message}\n`)
    return 2
  }
}

function requireId(id: string | undefined, action: string): string {
  if (!id) throw new UserError(`Name the run to ${action}: npm run runs -- ${action} ID.`, 'invalid', 'id')
  return id
}

/** The runs as a table, newest first; damaged folders on a line of their own. */
export function formatRunList(items: RunListItem[]): string {
  if (items.length === 0) return 'No runs yet; start one with npm run train.\n'
  const rows = items.map((item) =>
    item.damaged
      ? [item.id, `damaged: ${item.reason}`, '', '', '', '', '']
      : [
          item.id,
          clip(item.record.name, 36),
          item.record.status,
          `${item.record.summary?.epochs ?? 0}/${item.record.config.epochs}`,
          formatPercent(item.record.summary?.valAccuracy),
          formatPercent(item.record.summary?.bestValAccuracy),
          item.record.dataset?.title ?? '',
        ],
  )
  return table(['ID', 'NAME', 'STATUS', 'EPOCHS', 'VAL ACC', 'BEST', 'DATASET'], rows)
}

/** A run's settings, summary and epochs. */
export function formatRunDetails({ record, metrics }: RunDetails): string {
  const c = record.config
  const lines = [
    `Run ${record.id}: ${record.name}`,
    `  status      ${record.status}${record.error ? ` (${record.error})` : ''}`,
    `  created     ${record.createdAt}`,
    `  data set    ${record.dataset ? `${record.dataset.title}, ${record.dataset.trainCount} train / ${record.dataset.testCount} test` : '?'}`,
    `  training    ${c.epochs === 1 ? '1 epoch' : `${c.epochs} epochs`}, batch ${c.batchSize}, ${c.optimizer} at learning rate ${formatLearningRate(c.learningRate)}, seed ${c.seed}`,
    `  backend     ${record.backend ? describeBackend(record) : 'not started yet'}`,
  ]
  if (record.summary) {
    const s = record.summary
    lines.push(`  result      ${describeResult(s)}`)
  }
  const rows = metrics.map((m) => [
    String(m.epoch),
    m.trainLoss.toFixed(4),
    formatPercent(m.trainAccuracy),
    m.valLoss.toFixed(4),
    formatPercent(m.valAccuracy),
    String(Math.round(m.samplesPerSec)),
    formatDuration(m.elapsedMs),
  ])
  const epochs = rows.length
    ? '\n' + table(['EPOCH', 'TRAIN LOSS', 'TRAIN ACC', 'VAL LOSS', 'VAL ACC', 'SAMPLES/S', 'ELAPSED'], rows)
    : ''
  return lines.join('\n') + '\n' + epochs
}

/** The notebook's per-epoch report, on one line. */
export function formatEpoch(m: EpochMetrics, epochs: number, etaMs: number | null): string {
  const eta = etaMs && m.epoch < epochs ? `, ETA ${formatDuration(etaMs)}` : ''
  return (
    `epoch ${m.epoch}/${epochs}: training loss ${m.trainLoss.toFixed(4)}, acc ${formatPercent(m.trainAccuracy)}; ` +
    `validation loss ${m.valLoss.toFixed(4)}, acc ${formatPercent(m.valAccuracy)} ` +
    `(${Math.round(m.samplesPerSec)} samples/s, ${formatDuration(m.elapsedMs)}${eta})`
  )
}

/**
 * A run's result in one phrase: validation accuracy, the best epoch, the test figures once the
 * run has them, speed and duration.
 */
export function describeResult(s: RunSummary): string {
  const test =
    s.testAccuracy === null ? '' : `, test accuracy ${formatPercent(s.testAccuracy)} (epoch ${s.testEpoch})`
  return (
    `validation accuracy ${formatPercent(s.valAccuracy)} (best ${formatPercent(s.bestValAccuracy)} at epoch ${s.bestEpoch})${test}, ` +
    `${Math.round(s.samplesPerSec)} samples/s, ${formatDuration(s.durationMs)}`
  )
}

/** The backend a run trained on, as one phrase ("wasm 4.22.0 on cpu, 2 threads", "webgpu 4.22.0 on NVIDIA ... (Vulkan)"). */
export function describeBackend(record: RunRecord): string {
  const b = record.backend
  if (!b) return 'unknown'
  // A GPU adapter is the device; threads say nothing there.
  if (b.adapter) return `${b.name} ${b.version} on ${b.device}`
  return `${b.name} ${b.version} on ${b.device}, ${b.threads} thread${b.threads === 1 ? '' : 's'}`
}

/** Milliseconds as m:ss or h:mm:ss. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

function clip(text: string, width: number): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}
