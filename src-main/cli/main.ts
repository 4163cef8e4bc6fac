/**
 * The headless entry: `node out/main/cli.js <command> [flags]`, behind the npm scripts
 * (`npm run web`, `npm run train`, `npm run runs`, `npm run datasets`, `npm run worker`).
 */
import { UserError, errorMessage } from '../engine/errors'
import type { CommandIO } from './io'

type Command = (argv: string[], io: CommandIO) => Promise<number>

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  web: {
    summary: 'serve the workbench to a browser on 127.0.0.1',
    load: async () => (await import('./commands/web')).runWeb,
  },
  train: {
    summary: 'train a network and record the run',
    load: async () => (await import('./commands/train')).runTrain,
  },
  runs: {
    summary: 'list, show or delete recorded runs',
    load: async () => (await import('./commands/runs')).runRuns,
  },
  sweep: {
    summary: 'start, list, show, resume, stop or extend hyperparameter sweeps',
    load: async () => (await import('./commands/sweep')).runSweep,
  },
  worker: {
    summary: 'train runs taken from a Redis queue (other machines)',
    load: async () => (await import('./commands/worker')).runWorker,
  },
  datasets: {
    summary: 'list data sets, download one, or inspect a folder',
    load: async () => (await import('./commands/datasets')).runDatasets,
  },
}

function help(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  return `Usage: npm run <command> -- [flags]   (or node out/main/cli.js <command> [flags])\n\nCommands:\n${lines.join('\n')}\n\nEach command takes --help.\n`
}

/** Run one command and return its exit code: 0 done, 1 failed, 2 bad input. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === 'help') {
    io.stdout.write(help())
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    io.stderr.write(`Unknown command "${name}"; the commands are ${Object.keys(COMMANDS).join(', ')}.\n`)
    return 2
  }
  try {
    return await (
      await command.load()
    )(rest, io)
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr.write(`${error.message}\n`)
      return 2
    }
    io.stderr.write(`${name} failed: ${errorMessage(error)}\n`)
    if (process.env.WORKBENCH_DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`)
    return 1
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`${errorMessage(error)}\n`)
      process.exitCode = 1
    },
  )
}
