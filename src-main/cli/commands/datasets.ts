import { resolve } from 'node:path'
import type { DatasetReport } from '@common/datasets'
import { datasetDownloadRequestSchema } from '@common/requests'
import { classCounts, describeDatasets, downloadDataset, loadDataset } from '../../engine/data'
import { resolveHome } from '../../engine/home'
import { UserError } from '../../engine/errors'
import { openConfSettings } from '../../engine/settings/conf-store'
import { HELP_FLAG, HOME_FLAG, parseFlags, usage, type FlagSpecs, type ParsedFlags } from '../args'
import type { CommandIO } from '../io'
import { DecodePrinter, INPUT_FLAGS, inputFromFlags, reportLines } from './dataset-lines'

const FLAGS = {
  ...INPUT_FLAGS,
  home: HOME_FLAG,
  json: { type: 'boolean', description: 'print JSON instead of a table' },
  help: HELP_FLAG,
} satisfies FlagSpecs

/** The data sets that can be downloaded: the download request's own list. */
const NAMES = datasetDownloadRequestSchema.shape.dataset.options

const SUMMARY =
  'list | download mnist|fashion-mnist | inspect FOLDER (what the app makes of a folder; --input-size, --color, --fit as in train)'

/** `npm run datasets -- list | download mnist|fashion-mnist | inspect FOLDER`. */
export async function runDatasets(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, FLAGS)
  const [action = 'list', name, ...extra] = positionals
  if (flags.help) {
    io.stdout.write(usage('datasets', SUMMARY, FLAGS))
    return 0
  }
  if (extra.length) throw new UserError(`Unexpected argument "${extra[0]}".`)
  const home = resolveHome(flags.home)
  if (action === 'inspect') return inspectFolder(name, flags, home, io)
  const inputFlag = (['input-size', 'color', 'fit'] as const).find((flag) => flags[flag] !== undefined)
  if (inputFlag) throw new UserError(`--${inputFlag} goes with inspect FOLDER.`, 'invalid', inputFlag)
  if (action === 'list') {
    const settings = openConfSettings(home, (sentence) => io.stderr.write(`${sentence}\n`)).get()
    const list = await describeDatasets({ home, dataFolder: settings.dataFolder })
    if (flags.json) io.stdout.write(JSON.stringify(list) + '\n')
    else
      for (const d of list) {
        const counts = d.available
          ? `${d.trainCount} train / ${d.testCount} test`
          : `unavailable: ${d.reason ?? ''}`
        io.stdout.write(`${d.title.padEnd(24)} ${counts}\n`)
      }
    return 0
  }
  if (action === 'download') {
    if (!NAMES.includes(name as (typeof NAMES)[number])) {
      throw new UserError(`Name a data set to download: ${NAMES.join(' or ')}.`, 'invalid', 'name')
    }
    const info = await downloadDataset(name as (typeof NAMES)[number], {
      home,
      onProgress: (p) => {
        if (flags.json) io.stdout.write(JSON.stringify({ type: 'progress', ...p }) + '\n')
      },
    })
    io.stdout.write(
      flags.json
        ? JSON.stringify(info) + '\n'
        : `${info.title}: ${info.trainCount} train / ${info.testCount} test images, verified.\n`,
    )
    return 0
  }
  throw new UserError(`Unknown action "${action}"; use list, download or inspect.`)
}

/** What the app would make of a folder: decoded (into the home's cache, never the folder), then described. */
async function inspectFolder(
  path: string | undefined,
  flags: ParsedFlags<typeof FLAGS>,
  home: string,
  io: CommandIO,
): Promise<number> {
  if (!path) throw new UserError('Name the folder to inspect: datasets inspect FOLDER.', 'invalid', 'folder')
  const decoding = new DecodePrinter(flags.json ? { ...io, stdout: io.stderr } : io)
  const dataset = await loadDataset(
    { kind: 'folder', path: resolve(path), ...inputFromFlags(flags) },
    { home, onProgress: (p) => decoding.update({ dataset: { kind: 'folder', path: resolve(path) }, ...p }) },
  )
  const train = classCounts(dataset.train, dataset.classNames.length)
  const test = classCounts(dataset.test, dataset.classNames.length)
  const report = dataset.report as DatasetReport
  if (flags.json) {
    io.stdout.write(
      JSON.stringify({
        ref: dataset.ref,
        title: dataset.title,
        format: report.format,
        input: report.input,
        inputShape: [dataset.rows, dataset.cols, dataset.channels],
        trainCount: dataset.train.count,
        testCount: dataset.test.count,
        classes: dataset.classNames.map((className, i) => ({
          name: className,
          train: train[i],
          test: test[i],
        })),
        report,
      }) + '\n',
    )
    return 0
  }
  const lines = [
    `${dataset.title}: ${dataset.train.count} training and ${dataset.test.count} test images in ${dataset.classNames.length} classes.`,
    ...reportLines(report),
    '',
    `${'class'.padEnd(24)} ${'train'.padStart(7)} ${'test'.padStart(7)}`,
    ...dataset.classNames.map(
      (className, i) =>
        `${className.padEnd(24)} ${String(train[i]).padStart(7)} ${String(test[i]).padStart(7)}`,
    ),
  ]
  io.stdout.write(lines.join('\n') + '\n')
  return 0
}
