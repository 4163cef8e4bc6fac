import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createWorkbench } from '../../api/workbench'
import { resolveHome } from '../../engine/home'
import { openConfStore } from '../../engine/settings/conf-store'
import { SettingsStore } from '../../engine/settings/store'
import { UserError } from '../../engine/errors'
import { startWebShell } from '../../web/server'
import { HELP_FLAG, HOME_FLAG, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'

const FLAGS = {
  port: { type: 'int', min: 0, description: 'port on 127.0.0.1 (default 5170; 0 picks a free one)' },
  home: HOME_FLAG,
  help: HELP_FLAG,
} satisfies FlagSpecs

/** The built renderer: beside the bundle (out/main -> out/renderer), or out/renderer from source. */
export function rendererDir(): string {
  const candidates = [join(__dirname, '../renderer'), resolve('out/renderer')]
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')))
  if (!found) throw new UserError('The renderer is not built yet; run npm run build first.', 'unavailable')
  return found
}

/** `npm run web`: the browser shell, until Ctrl-C. */
export async function runWeb(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, FLAGS)
  if (flags.help) {
    io.stdout.write(usage('web', 'Serve the workbench on 127.0.0.1; open the printed URL.', FLAGS))
    return 0
  }
  if (flags.port !== undefined && flags.port > 65535)
    throw new UserError('--port must be at most 65535.', 'invalid', 'port')
  const home = resolveHome(flags.home)
  const logError = (where: string, error: unknown) =>
    io.stderr.write(`[${where}] ${(error as Error)?.stack ?? String(error)}\n`)
  const shell = await startWebShell({ staticDir: rendererDir(), port: flags.port ?? 5170, logError }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        throw new UserError(
          `Port ${flags.port ?? 5170} is in use; pick another with --port.`,
          'conflict',
          'port',
        )
      throw error
    },
  )
  const settings = new SettingsStore(openConfStore(home))
  const workbench = createWorkbench({ home, shell: 'web', settings, emit: shell.emit })
  shell.serve(workbench.handlers)
  io.stdout.write(`CNN Workbench is serving ${home}\nOpen ${shell.url}\n`)
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop)
    process.once('SIGTERM', resolveStop)
  })
  await workbench.shutdown()
  await shell.close()
  return 0
}
