import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, readFile, rm, utimes } from 'node:fs/promises'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DownloadProgress } from '@common/contract'
import { IDX_FILE_NAMES, IDX_ROLES, NAMED_DATASETS, type FileChecksums, type IdxFiles } from './catalog'
import { idxLabelBytes, idxSetBytes, tempFolder } from './idx-fixtures'
import { clearDatasetCache, downloadDataset, loadDataset } from './index'

/** The files a fake mirror serves: `<name>.gz` of a small valid set, and their checksums. */
function fixtureMirror(replace: Partial<IdxFiles<Buffer>> = {}) {
  const raw = { ...idxSetBytes({ trainCount: 30, testCount: 20 }), ...replace }
  const served = new Map<string, Buffer>()
  const checksums = {} as IdxFiles<FileChecksums>
  for (const role of IDX_ROLES) {
    const gz = gzipSync(raw[role])
    served.set(`/${IDX_FILE_NAMES[role]}.gz`, gz)
    checksums[role] = {
      bytesGz: gz.length,
      md5Gz: createHash('md5').update(gz).digest('hex'),
      sha256: createHash('sha256').update(raw[role]).digest('hex'),
    }
  }
  return { served, checksums }
}

/** Serves `served` under `/ok/`, sends 404 elsewhere; `handler` may take a request first. */
function serveFiles(
  served: Map<string, Buffer>,
  handler?: (path: string, res: Parameters<RequestListener>[1]) => boolean,
) {
  return (async (req, res) => {
    const path = req.url ?? '/'
    if (handler?.(path, res)) return
    const body = path.startsWith('/ok/') ? served.get(path.slice(3)) : undefined
    if (!body) return res.writeHead(404).end('not here')
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length })
    // Two chunks apart in time, as a real transfer comes.
    const half = Math.floor(body.length / 2)
    res.write(body.subarray(0, half))
    setTimeout(() => res.end(body.subarray(half)), 5)
  }) satisfies RequestListener
}

const servers: Server[] = []
async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

let home: string
beforeEach(async () => {
  home = await tempFolder('cnn-home-')
})
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  clearDatasetCache()
  await rm(home, { recursive: true, force: true })
})

/** Everything under `<home>/datasets`, staging folders included. */
function datasetsContent(): string[] {
  const root = join(home, 'datasets')
  return existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : []
}

describe('downloadDataset', () => {
  it('downloads, verifies, reports progress, and the set then loads', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen(serveFiles(served))
    const progress: DownloadProgress[] = []
    const info = await downloadDataset('fashion-mnist', {
      home,
      mirrors: [`${base}/ok/`],
      checksums,
      onProgress: (p) => progress.push(p),
    })
    expect(info).toMatchObject({ available: true, trainCount: 30, testCount: 20, title: 'Fashion-MNIST' })
    expect(datasetsContent().sort()).toEqual(
      ['fashion-mnist', ...IDX_ROLES.map((role) => `fashion-mnist/${IDX_FILE_NAMES[role]}.gz`)].sort(),
    )
    const stored = await readFile(join(home, 'datasets', 'fashion-mnist', 'train-images-idx3-ubyte.gz'))
    expect(stored.equals(served.get('/train-images-idx3-ubyte.gz')!)).toBe(true)

    const forFile = progress.filter((p) => p.file === 'train-images-idx3-ubyte.gz')
    const total = served.get('/train-images-idx3-ubyte.gz')!.length
    expect(forFile.length).toBeGreaterThanOrEqual(2)
    const received = forFile.map((p) => p.receivedBytes)
    expect(received).toEqual([...received].sort((a, b) => a - b))
    expect(forFile[0]).toEqual({
      dataset: { kind: 'fashion-mnist' },
      file: 'train-images-idx3-ubyte.gz',
      receivedBytes: 0,
      totalBytes: total,
    })
    expect(forFile.at(-1)).toMatchObject({ receivedBytes: total, totalBytes: total })
    expect(new Set(progress.map((p) => p.file)).size).toBe(4)

    const fashion = await loadDataset({ kind: 'fashion-mnist' }, { home })
    expect(fashion.classNames[0]).toBe('T-shirt/top')
    expect(fashion.test.count).toBe(20)
  })

  it('follows redirects and falls back to the next mirror', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen(
      serveFiles(served, (path, res) => {
        if (!path.startsWith('/moved/')) return false
        res.writeHead(302, { location: `/ok/${path.slice('/moved/'.length)}` }).end()
        return true
      }),
    )
    const info = await downloadDataset('mnist', {
      home,
      mirrors: [`${base}/missing/`, `${base}/moved`],
      checksums,
    })
    expect(info.available).toBe(true)
    expect(existsSync(join(home, 'datasets', 'mnist', 't10k-labels-idx1-ubyte.gz'))).toBe(true)
    // Without the built-in copy, MNIST is the downloaded one.
    expect((await loadDataset({ kind: 'mnist' }, { home, builtin: null })).train.count).toBe(30)
  })

  it('removes staging folders of downloads that died a day ago, not those still running', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen(serveFiles(served))
    const abandoned = join(home, 'datasets', '.fashion-mnist.download-old')
    const recent = join(home, 'datasets', '.fashion-mnist.download-new')
    await mkdir(abandoned, { recursive: true })
    await mkdir(recent)
    const dayAndMore = Date.now() / 1000 - 25 * 3600
    await utimes(abandoned, dayAndMore, dayAndMore)
    await downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], checksums })
    expect(existsSync(abandoned)).toBe(false)
    expect(existsSync(recent)).toBe(true)
  })

  it('leaves no file after a 404', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen(serveFiles(served))
    const error = await downloadDataset('fashion-mnist', {
      home,
      mirrors: [`${base}/nothing/`],
      checksums,
    }).catch((e) => e)
    expect(error).toMatchObject({ code: 'unavailable' })
    expect(error.message).toBe(
      `Could not download train-images-idx3-ubyte.gz of Fashion-MNIST: ${base}/nothing/train-images-idx3-ubyte.gz answered HTTP 404.`,
    )
    expect(datasetsContent()).toEqual([])
  })

  it('leaves no file when a checksum does not match, even after good files', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen(serveFiles(served))
    const wrong = { ...checksums, testImages: { ...checksums.testImages, md5Gz: 'f'.repeat(32) } }
    await expect(
      downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], checksums: wrong }),
    ).rejects.toThrow(
      /^Could not download t10k-images-idx3-ubyte\.gz of Fashion-MNIST: .*t10k-images-idx3-ubyte\.gz sent a file whose MD5 is [0-9a-f]{32}, not the published f{32}\.$/,
    )
    expect(datasetsContent()).toEqual([])
  })

  it('checks the SHA-256 of the content', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen(serveFiles(served))
    const wrong = { ...checksums, trainLabels: { ...checksums.trainLabels, sha256: '0'.repeat(64) } }
    await expect(
      downloadDataset('mnist', { home, mirrors: [`${base}/ok/`], checksums: wrong }),
    ).rejects.toThrow(/content has SHA-256 [0-9a-f]{64}, not the published 0{64}/)
    expect(datasetsContent()).toEqual([])
  })

  it('leaves no file when the files are not a valid set', async () => {
    const { served, checksums } = fixtureMirror({ testLabels: idxLabelBytes([1, 2, 3]) })
    const base = await listen(serveFiles(served))
    await expect(
      downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], checksums }),
    ).rejects.toThrow(
      'The test set has 20 images in t10k-images-idx3-ubyte.gz but 3 labels in t10k-labels-idx1-ubyte.gz.',
    )
    expect(datasetsContent()).toEqual([])
  })

  it('leaves no file when the server is gone', async () => {
    const base = await listen(() => undefined)
    const server = servers.pop()!
    await new Promise((resolve) => server.close(resolve))
    await expect(downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`] })).rejects.toThrow(
      /^Could not download train-images-idx3-ubyte\.gz of Fashion-MNIST: 127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED: connection refused\)\.$/,
    )
    expect(datasetsContent()).toEqual([])
  })

  it('gives up on a server that stops sending, and removes the partial file', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen((req, res) => {
      const body = served.get(req.url!.slice(3))!
      res.writeHead(200, { 'content-length': body.length })
      res.write(body.subarray(0, 10)) // ... and nothing more
    })
    // The sentence names the 0.2 s timeout: it gave up on the stall, not on some later limit.
    await expect(
      downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], checksums, timeoutMs: 200 }),
    ).rejects.toThrow(/127\.0\.0\.1:\d+ stopped sending for 0\.2 s\.$/)
    expect(datasetsContent()).toEqual([])
  })

  it('leaves no file when the connection breaks', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen((req, res) => {
      const body = served.get(req.url!.slice(3))!
      res.writeHead(200, { 'content-length': body.length })
      res.write(body.subarray(0, 10), () => res.destroy())
    })
    await expect(
      downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], checksums }),
    ).rejects.toThrow(/the connection to 127\.0\.0\.1:\d+ broke after 10 bytes \(aborted\)\.$/)
    expect(datasetsContent()).toEqual([])
  })

  it('gives up on a server that never answers', async () => {
    const base = await listen(() => undefined)
    await expect(
      downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], timeoutMs: 200 }),
    ).rejects.toThrow(/did not answer within 0\.2 s/)
    expect(datasetsContent()).toEqual([])
  })

  it('stops when cancelled', async () => {
    const { served, checksums } = fixtureMirror()
    const controller = new AbortController()
    const base = await listen((req, res) => {
      const body = served.get(req.url!.slice(3))!
      res.writeHead(200, { 'content-length': body.length })
      res.write(body.subarray(0, 10))
      controller.abort()
    })
    await expect(
      downloadDataset('fashion-mnist', {
        home,
        mirrors: [`${base}/ok/`],
        checksums,
        signal: controller.signal,
      }),
    ).rejects.toThrow('The download of Fashion-MNIST was cancelled.')
    expect(datasetsContent()).toEqual([])
  })

  it('cuts a download that announces more bytes than the published file, before reading it', async () => {
    const { served, checksums } = fixtureMirror()
    const base = await listen((req, res) => {
      const body = served.get(req.url!.slice(3))!
      res.writeHead(200, { 'content-length': body.length + 1_000_000 })
      res.write(body) // ... and the rest never comes: the length alone must stop it
    })
    const expected = checksums.trainImages.bytesGz
    await expect(
      downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], checksums }),
    ).rejects.toThrow(
      `${new URL(base).host} announced ${expected + 1_000_000} bytes for train-images-idx3-ubyte.gz, more than the ${expected} of the published file.`,
    )
    expect(datasetsContent()).toEqual([])
  })

  it('cuts a download that keeps sending past the published size, and says so', async () => {
    const { served, checksums } = fixtureMirror()
    let written = 0
    const base = await listen((req, res) => {
      const body = served.get(req.url!.slice(3))!
      // No length announced: a chunked answer that never ends.
      res.writeHead(200, { 'content-type': 'application/gzip' })
      const more = () => {
        if (res.destroyed) return
        written += body.length
        res.write(body, () => setImmediate(more))
      }
      more()
    })
    const expected = checksums.trainImages.bytesGz
    await expect(
      downloadDataset('fashion-mnist', { home, mirrors: [`${base}/ok/`], checksums }),
    ).rejects.toThrow(
      new RegExp(
        `127\\.0\\.0\\.1:\\d+ sent more than the ${expected} bytes of the published train-images-idx3-ubyte\\.gz; the download was cut\\.$`,
      ),
    )
    // Cut at the limit, not after the server gave up: at most a few chunks past it.
    expect(written).toBeLessThan(expected * 64)
    expect(datasetsContent()).toEqual([])
  })
})

describe('the named data sets', () => {
  it('are fetched over https first, and every file has a published size to cut at', () => {
    for (const spec of Object.values(NAMED_DATASETS)) {
      const secure = spec.mirrors.map((mirror) => new URL(mirror).protocol === 'https:')
      expect(secure[0], `${spec.title}'s first mirror`).toBe(true)
      expect(secure, `${spec.title}: https mirrors before http ones`).toEqual(
        [...secure].sort((a, b) => +b - +a),
      )
      for (const role of IDX_ROLES) expect(spec.checksums[role].bytesGz).toBeGreaterThan(0)
    }
    // Every MNIST mirror has https.
    expect(NAMED_DATASETS.mnist.mirrors.every((mirror) => mirror.startsWith('https://'))).toBe(true)
  })
})
