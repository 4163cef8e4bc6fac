/**
 * `npm run worker -- --redis URL [--name NAME] [--home DIR] [--backend B] [--concurrency N]`:
 * trains runs taken from the Redis queue until Ctrl-C or SIGTERM, which stop its runs at a batch
 * boundary and hand them back to the queue with their last checkpoint.
 */
import { backendPreferenceSchema, type BackendPreference } from '@common/schemas'
import { UserError } from '../../engine/errors'
import { resolveHome } from '../../engine/home'
import { RemoteWorker } from '../../engine/remote/worker'
import { redactRedisUrl, redisOptions } from '../../engine/remote/redis-url'
import { HELP_FLAG, HOME_FLAG, numberFlag, parseFlags, usage, type FlagSpecs } from '../args'
import type { CommandIO } from '../io'

export const WORKER_FLAGS = {
  redis: {
    type: 'string',
    description: 'the queue: redis://[user:password@]host:port[/db], or rediss:// for TLS',
  },
  name: { type: 'string', description: 'the name the app shows (default: this host name)' },
  home: HOME_FLAG,
  backend: {
    type: 'string',
    choices: backendPreferenceSchema.options,
    description: 'the backend its runs train on (default auto: the best this machine has)',
  },
  concurrency: numberFlag(
    { label: 'Runs at once', min: 1, max: 64, integer: true },
    'runs trained at once (default 1)',
  ),
  'stall-seconds': numberFlag(
    { label: 'Stall time', min: 2, max: 3600, integer: true },
    'how long a run of a worker that stopped answering waits before another takes it (default 30)',
  ),
  help: HELP_FLAG,
} satisfies FlagSpecs

/** Runs the worker until a signal; returns its exit code (0 after handing its runs back, 2 bad input). */
export async function runWorker(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, WORKER_FLAGS)
  if (flags.help) {
    io.stdout.write(usage('worker', 'Train runs taken from a Redis queue.', WORKER_FLAGS))
    return 0
  }
  if (!flags.redis)
    throw new UserError('A worker needs --redis URL, the Redis server of the queue.', 'invalid', 'redis')
  redisOptions(flags.redis)
  const home = resolveHome(flags.home)
  // Listened for before the worker takes anything, so that a signal at any moment from here on,
  // even one sent as it says it is ready, stops it gracefully instead of killing it.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  const worker = new RemoteWorker({
    redisUrl: flags.redis,
    name: flags.name,
    home,
    backend: (flags.backend ?? 'auto') as BackendPreference,
    concurrency: flags.concurrency ?? 1,
    stallMs: (flags['stall-seconds'] ?? 30) * 1000,
    log: (line) => io.stdout.write(`${line}\n`),
  })
  await worker.ready()
  io.stdout.write(
    `Worker ${worker.place.name} on ${worker.place.host} takes runs from ${redactRedisUrl(flags.redis)} (home ${home}).\n`,
  )
  io.stdout.write(`${await signalled}: stopping its runs at a batch boundary and handing them back...\n`)
  await worker.close()
  io.stdout.write('Worker stopped.\n')
  return 0
}
