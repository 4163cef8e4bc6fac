/** Test helpers: the web shell and the CLI in processes of their own, started from source. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect, createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PassThrough, type Writable } from 'node:stream'

/** The repository root: tsx and the training process entry resolve from here. */
export const ROOT = resolve(__dirname, '../../..')

export interface WebProcess {
  origin: string
  port: number
  token: string
  process: ChildProcess
  /** Everything the process printed. */
  output(): string
  /** Whether the process is still running. */
  alive(): boolean
  stop(): Promise<void>
}

/** A folder holding a one-line index.html, standing in for the built renderer. */
export function fakeRenderer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>CNN Workbench</title>')
  return dir
}

/** Starts `web-process.fixtures.ts` (the web command's startWeb) and waits for its URL. */
export async function startWebProcess(home: string): Promise<WebProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'web-process.fixtures.ts'), home, fakeRenderer()],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const url = await new Promise<URL>((resolveUrl, reject) => {
    child.stdout.on('data', () => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (match) resolveUrl(new URL(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`the web shell exited with ${code}:\n${output}`)))
  })
  return {
    origin: url.origin,
    port: Number(url.port),
    token: url.searchParams.get('token') ?? '',
    process: child,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}

/** A port nothing listens on right now. */
export { freeLoopbackPort as freePort } from '../../engine/remote/redis.fixtures'

/** Resolves true when something accepts a TCP connection on the port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolveListening) => {
    const socket = createConnection(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolveListening(true)
    })
    socket.once('error', () => resolveListening(false))
  })
}

/** Opens a WebSocket upgrade without the token and resets the connection while it is refused. */
export function upgradeAndReset(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      )
      setImmediate(() => socket.resetAndDestroy())
    })
    socket.on('error', () => undefined) // our own reset, or the server's refusal: both expected
    socket.on('close', () => resolve())
  })
}

export interface CliProcess {
  process: ChildProcess
  /** Everything the process printed. */
  output(): string
  /** Resolves once the output matches `pattern` (rejects if the process exits first). */
  waitFor(pattern: RegExp): Promise<void>
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
}

/** Starts one CLI command (`main` with `args`) in a process of its own, from source. */
export function startCliProcess(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let output = ''
  const listeners = new Set<() => void>()
  const onData = (d: Buffer) => {
    output += d.toString()
    for (const listener of listeners) listener()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return {
    process: child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise<void>((resolveWait, reject) => {
        const check = () => {
          if (!pattern.test(output)) return
          listeners.delete(check)
          resolveWait()
        }
        listeners.add(check)
        check()
        void exited.then((code) => {
          if (!pattern.test(output))
            reject(new Error(`the command exited (${code}) before ${pattern}:\n${output}`))
        })
      }),
  }
}

/** Runs the CLI from source in a process of its own, as a shell would. */
export function runCli(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/cli/main.ts'), ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

/** Output streams a command writes to. */
export interface CommandStreams {
  stdout: Writable
  stderr: Writable
}

/**
 * Runs a command in this process with its output captured; `onStdout` sees each chunk as it
 * comes. The result is read a tick after the command returns, once its last writes are in.
 */
export async function captureOutput(
  command: (streams: CommandStreams) => Promise<number>,
  onStdout: (text: string) => void = () => undefined,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    onStdout(chunk.toString())
  })
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const code = await command({ stdout, stderr })
  await new Promise((resolve) => setImmediate(resolve))
  return { code, out, err }
}
