import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createWorkbench } from '../../api/workbench'
import { resolveHome } from '../../engine/home'
import { openConfSettings } from '../../engine/settings/conf-store'
import { UserError } from '../../engine/errors'
import { startWebShell } from '../../web/server'
import { HELP_FLAG, HOME_FLAG, numberFlag, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'

const FLAGS = {
  port: numberFlag(
    { label: 'Port', min: 0, max: 65535, integer: true },
    'port on 127.0.0.1 (default 5170; 0 picks a free one)',
  ),
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

export interface WebOptions {
  home: string
  /** 0 picks a free port. */
  port: number
  /** The built renderer to serve; found with `rendererDir` when absent. */
  staticDir?: string
  io: CommandIO
}

/** A started browser shell. */
export interface RunningWeb {
  url: string
  close(): Promise<void>
}

/**
 * Serves the workbench on `home`: settings first (the step most likely to fail), then the
 * port. A start that fails at any step closes what it had opened and rethrows, so that no port
 * stays open without a URL shown and the command can exit.
 */
export async function startWeb(options: WebOptions): Promise<RunningWeb> {
  const { io } = options
  const settings = openConfSettings(options.home, (sentence) => io.stderr.write(`${sentence}\n`))
  const logError = (where: string, error: unknown) =>
    io.stderr.write(`[${where}] ${(error as Error)?.stack ?? String(error)}\n`)
  const shell = await startWebShell({
    staticDir: options.staticDir ?? rendererDir(),
    port: options.port,
    logError,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      throw new UserError(`Port ${options.port} is in use; pick another with --port.`, 'conflict', 'port')
    throw error
  })
  try {
    const workbench = createWorkbench({
      home: options.home,
      shell: 'web',
      settings,
      emit: shell.emit,
      logError,
    })
    shell.serve(workbench.handlers)
    return {
      url: shell.url,
      close: async () => {
        await workbench.shutdown()
        await shell.close()
      },
    }
  } catch (error) {
    await shell.close()
    throw error
  }
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
  const web = await startWeb({ home, port: flags.port ?? 5170, io })
  io.stdout.write(`CNN Workbench is serving ${home}\nOpen ${web.url}\n`)
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop)
    process.once('SIGTERM', resolveStop)
  })
  await web.close()
  return 0
}
