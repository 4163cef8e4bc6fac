/**
 * Test fixtures: Debian's redis-server on a free loopback port, configured as the README says a
 * queue server must be (noeviction, append-only file on), and stoppable and restartable on the
 * same port and data folder; worker processes started from source (the `worker` command).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
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

/** A certificate and its key for a server at 127.0.0.1 (self-signed: clients trust it as its own CA). */
export interface TlsFiles {
  cert: string
  key: string
}

/** Makes a self-signed certificate for 127.0.0.1 with openssl, in `dir`. */
export function makeLoopbackCertificate(dir: string): TlsFiles {
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }
  const made = spawnSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', files.key, '-out', files.cert],
    ],
    { encoding: 'utf8' },
  )
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`)
  return files
}

/**
 * Starts redis-server on 127.0.0.1, with `password` required when given; with `tls`, it speaks
 * only TLS (a rediss:// URL) with that certificate, asking clients for none.
 */
export async function startRedis(password?: string, tls?: TlsFiles): Promise<RedisServer> {
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
  if (tls) {
    args.splice(0, 2, '--port', '0', '--tls-port', String(port))
    args.push('--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.cert)
    args.push('--tls-auth-clients', 'no')
  }
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
  return { url: `${tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`, port, stop, start }
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
export function startWorker(
  url: string,
  home: string,
  name: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): WorkerProcess {
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
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
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
