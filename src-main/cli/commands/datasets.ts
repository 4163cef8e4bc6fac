import { datasetDownloadRequestSchema } from '@common/requests'
import { describeDatasets, downloadDataset } from '../../engine/data'
import { resolveHome } from '../../engine/home'
import { UserError } from '../../engine/errors'
import { openConfSettings } from '../../engine/settings/conf-store'
import { HELP_FLAG, HOME_FLAG, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'

const FLAGS = {
  home: HOME_FLAG,
  json: { type: 'boolean', description: 'print JSON instead of a table' },
  help: HELP_FLAG,
} satisfies FlagSpecs

/** The data sets that can be downloaded: the download request's own list. */
const NAMES = datasetDownloadRequestSchema.shape.dataset.options

/** `npm run datasets -- list | download mnist|fashion-mnist`. */
export async function runDatasets(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, FLAGS)
  const [action = 'list', name, ...extra] = positionals
  if (flags.help) {
    io.stdout.write(usage('datasets', 'list | download mnist|fashion-mnist', FLAGS))
    return 0
  }
  if (extra.length) throw new UserError(`Unexpected argument "${extra[0]}".`)
  const home = resolveHome(flags.home)
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
  throw new UserError(`Unknown action "${action}"; use list or download.`)
}
