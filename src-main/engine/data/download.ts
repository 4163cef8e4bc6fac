/**
 * Downloading a set of files from mirrors, all or nothing: every file goes into a staging folder
 * beside the target, is checked against its checksums, and only when all of them passed (and
 * the caller's own check) are they moved into the target folder. On any failure the staging
 * folder is deleted, so no partial or unverified file is ever left where a loader would look.
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises'
import { get as httpGet, type IncomingMessage } from 'node:http'
import { get as httpsGet } from 'node:https'
import { basename, dirname, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import { UserError, errorMessage } from '../errors'
import { MAX_DECOMPRESSED_BYTES } from './idx'

const gunzipAsync = promisify(gunzip)
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000

export interface DownloadFile {
  /** The name on the mirror and on disk, e.g. `train-images-idx3-ubyte.gz`. */
  name: string
  /** Its size as published; a mirror that announces or sends more is cut off there. */
  bytes: number
  /** MD5 of the bytes as served. */
  md5?: string
  /** SHA-256 of the bytes after gunzip. */
  sha256?: string
}

export interface DownloadFilesOptions {
  /** The folder the files end up in (created when needed). */
  targetDir: string
  files: DownloadFile[]
  /** Base URLs tried in order for each file; a file's URL is the base plus its name. */
  mirrors: string[]
  /** What the downloads are of, for sentences: "Fashion-MNIST". */
  title: string
  /** Called for every chunk received; callers throttle. */
  onProgress?: (file: string, receivedBytes: number, totalBytes: number | null) => void
  signal?: AbortSignal
  /** Give up on a mirror that sends nothing for this long (default 30 s). */
  timeoutMs?: number
  /** Runs on the staged files (paths by name) before they are moved; throw to reject them. */
  verify?: (paths: Record<string, string>) => Promise<void>
}

/** Why one mirror could not deliver one file; the next mirror is tried. */
class MirrorFailure extends Error {}

/** Downloads, verifies and moves the files; throws UserError and leaves nothing behind on failure. */
export async function downloadFiles(options: DownloadFilesOptions): Promise<Record<string, string>> {
  const parent = dirname(options.targetDir)
  const prefix = `.${basename(options.targetDir)}.download-`
  await mkdir(parent, { recursive: true })
  await removeAbandonedStaging(parent, prefix)
  const staging = await mkdtemp(join(parent, prefix))
  try {
    const staged: Record<string, string> = {}
    for (const file of options.files) {
      staged[file.name] = join(staging, file.name)
      await downloadFromMirrors(file, staged[file.name], options)
    }
    await options.verify?.(staged)
    await mkdir(options.targetDir, { recursive: true })
    const placed: Record<string, string> = {}
    for (const file of options.files) {
      placed[file.name] = join(options.targetDir, file.name)
      await rename(staged[file.name], placed[file.name])
    }
    return placed
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** Staging folders of downloads whose process died: old enough that none can still be running. */
async function removeAbandonedStaging(parent: string, prefix: string) {
  const cutoff = Date.now() - ABANDONED_AFTER_MS
  for (const name of await readdir(parent)) {
    if (!name.startsWith(prefix)) continue
    const path = join(parent, name)
    const info = await stat(path).catch(() => null)
    if (info && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true })
  }
}

async function downloadFromMirrors(file: DownloadFile, path: string, options: DownloadFilesOptions) {
  if (options.mirrors.length === 0) {
    throw new UserError(`${options.title} has no download mirror.`, 'unavailable', 'dataset')
  }
  const failures: string[] = []
  for (const mirror of options.mirrors) {
    const url = new URL(file.name, mirror.endsWith('/') ? mirror : `${mirror}/`)
    try {
      await fetchToFile(url, path, file, options)
      await verifyChecksums(url, path, file)
      return
    } catch (error) {
      await rm(path, { force: true })
      if (options.signal?.aborted) {
        throw new UserError(`The download of ${options.title} was cancelled.`, 'unavailable', 'dataset')
      }
      if (!(error instanceof MirrorFailure)) throw error
      failures.push(error.message)
    }
  }
  throw new UserError(
    `Could not download ${file.name} of ${options.title}: ${failures.join('; ')}.`,
    'unavailable',
    'dataset',
  )
}

async function fetchToFile(url: URL, path: string, file: DownloadFile, options: DownloadFilesOptions) {
  const { name, bytes: limit } = file
  const timeoutMs = options.timeoutMs ?? 30_000
  const response = await openResponse(url, timeoutMs, options.signal)
  const length = Number(response.headers['content-length'])
  const total = Number.isFinite(length) && length >= 0 ? length : null
  if (total !== null && total > limit) {
    response.destroy()
    throw new MirrorFailure(
      `${url.host} announced ${total} bytes for ${name}, more than the ${limit} of the published file`,
    )
  }
  let received = 0
  let idle: NodeJS.Timeout | undefined
  const armIdleTimer = () => {
    clearTimeout(idle)
    idle = setTimeout(
      () => response.destroy(new MirrorFailure(`${url.host} stopped sending for ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
  }
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length
      // Cut here: a mirror must not fill the disk, whatever it sends.
      if (received > limit) {
        return callback(
          new MirrorFailure(
            `${url.host} sent more than the ${limit} bytes of the published ${name}; the download was cut`,
          ),
        )
      }
      armIdleTimer()
      options.onProgress?.(name, received, total)
      callback(null, chunk)
    },
  })
  options.onProgress?.(name, 0, total)
  armIdleTimer()
  try {
    await pipeline(response, counter, createWriteStream(path), { signal: options.signal })
  } catch (error) {
    if (error instanceof MirrorFailure) throw error
    throw new MirrorFailure(
      `the connection to ${url.host} broke after ${received} bytes (${errorMessage(error)})`,
    )
  } finally {
    clearTimeout(idle)
  }
  if (total !== null && received !== total) {
    throw new MirrorFailure(`${url.host} sent ${received} of ${total} bytes`)
  }
}

/** The response to a GET of `url` with status 200, following redirects. */
async function openResponse(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
  let current = url
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new MirrorFailure(`${current} is not an http or https address`)
    }
    const response = await request(current, timeoutMs, signal)
    const status = response.statusCode ?? 0
    if (REDIRECT_STATUSES.has(status) && response.headers.location) {
      response.resume()
      current = new URL(response.headers.location, current)
      continue
    }
    if (status !== 200) {
      response.resume()
      throw new MirrorFailure(`${current} answered HTTP ${status}`)
    }
    return response
  }
  throw new MirrorFailure(`${url} redirected more than ${MAX_REDIRECTS} times`)
}

function request(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet
    // Identity: the checksums are of the bytes as published, not of a re-encoding.
    const headers = { 'user-agent': 'cnn-workbench', 'accept-encoding': 'identity' }
    const req = get(url, { headers, signal }, (response) => {
      // From here on the body's own idle timer watches the transfer.
      req.setTimeout(0)
      resolve(response)
    })
    req.setTimeout(timeoutMs, () => {
      req.destroy(new MirrorFailure(`${url.host} did not answer within ${timeoutMs / 1000} s`))
    })
    req.on('error', (error) => {
      reject(
        error instanceof MirrorFailure
          ? error
          : new MirrorFailure(`${url.host} is unreachable (${describe(error)})`),
      )
    })
  })
}

async function verifyChecksums(url: URL, path: string, file: DownloadFile) {
  if (!file.md5 && !file.sha256) return
  const bytes = await readFile(path)
  if (file.md5) {
    const md5 = createHash('md5').update(bytes).digest('hex')
    if (md5 !== file.md5) {
      throw new MirrorFailure(`${url} sent a file whose MD5 is ${md5}, not the published ${file.md5}`)
    }
  }
  if (file.sha256) {
    let content: Buffer
    try {
      content = await gunzipAsync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES })
    } catch (error) {
      throw new MirrorFailure(`${url} sent a file that does not gunzip (${errorMessage(error)})`)
    }
    const sha256 = createHash('sha256').update(content).digest('hex')
    if (sha256 !== file.sha256) {
      throw new MirrorFailure(
        `${url} sent a file whose content has SHA-256 ${sha256}, not the published ${file.sha256}`,
      )
    }
  }
}

const NETWORK_CODES: Record<string, string> = {
  ENOTFOUND: 'no such host, or no network',
  EAI_AGAIN: 'name lookup failed, perhaps no network',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENETUNREACH: 'network unreachable',
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code
  if (!code) return error.message
  return NETWORK_CODES[code] ? `${code}: ${NETWORK_CODES[code]}` : code
}
