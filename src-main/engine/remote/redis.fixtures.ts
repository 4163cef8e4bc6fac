/**
 * Test fixtures: Debian's redis-server on a free loopback port, configured as the README says a
 * queue server must be (noeviction, append-only file on), and stoppable and restartable on the
 * same port and data folder; worker processes started from source (the `worker` command).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** The repository root: tsx and the training process entry resolve from here. */
const ROOT = resolve(__dirname, '../../..')

export interface RedisServer {
  url: string
  port: number
  /** Stops the server as an operator would (SIGTERM: it writes its append-only file and exits). */
  stop(): Promise<void>
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>
}

/** A port nothing listens on right now. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

/** Starts redis-server on 127.0.0.1, with `password` required when given. */
export async function startRedis(password?: string): Promise<RedisServer> {
  const port = await freeLoopbackPort()
  const dir = await mkdtemp(join(tmpdir(), 'redis-'))
  let child: ChildProcess | null = null
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    ...(password ? ['--requirepass', password] : []),
  ]
  const start = async () => {
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = started
    let output = ''
    await new Promise<void>((ready, fail) => {
      started.stdout!.on('data', (d: Buffer) => {
        output += d.toString()
        if (output.includes('Ready to accept connections')) ready()
      })
      started.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${output}`)))
    })
  }
  const stop = () =>
    new Promise<void>((done) => {
      const running = child
      if (!running || running.exitCode !== null || running.signalCode !== null) return done()
      running.once('exit', () => done())
      running.kill('SIGTERM')
    })
  await start()
  const auth = password ? `:${encodeURIComponent(password)}@` : ''
  return { url: `redis://${auth}127.0.0.1:${port}`, port, stop, start }
}

export interface WorkerProcess {
  process: ChildProcess
  output(): string
  /** Resolves once the output holds `text`. */
  printed(text: string | RegExp): Promise<void>
  /** Resolves once it exited, with its code. */
  exited(): Promise<number | null>
}

const startedWorkers = new Set<ChildProcess>()

/** Kills every worker process the fixtures started that still runs (after a test that timed out). */
export function killWorkers(): void {
  for (const child of startedWorkers)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  startedWorkers.clear()
}

/** Starts `worker --redis url --home home --name name` from source, on the cpu backend. */
export function startWorker(url: string, home: string, name: string, extra: string[] = []): WorkerProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src-main/cli/main.ts'),
      'worker',
      '--redis',
      url,
      '--home',
      home,
      '--name',
      name,
      '--backend',
      'cpu',
      '--stall-seconds',
      '2',
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  startedWorkers.add(child)
  let output = ''
  const waiters: { test: string | RegExp; done: () => void }[] = []
  const onData = (d: Buffer) => {
    output += d.toString()
    for (const w of [...waiters]) {
      if (typeof w.test === 'string' ? output.includes(w.test) : w.test.test(output)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.done()
      }
    }
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const exit = new Promise<number | null>((done) =>
    child.once('exit', (code, signal) => {
      if (signal) output += `\n[killed by ${signal}]`
      done(code)
    }),
  )
  return {
    process: child,
    output: () => output,
    printed: (test) =>
      new Promise<void>((done, fail) => {
        if (typeof test === 'string' ? output.includes(test) : test.test(output)) return done()
        waiters.push({ test, done })
        void exit.then(() =>
          fail(new Error(`worker ${name} exited before printing ${String(test)}:\n${output}`)),
        )
      }),
    exited: () => exit,
  }
}
