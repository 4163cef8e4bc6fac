import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { dispatch, type ErrorLogger } from '../api/dispatch'
import type { ApiErrorCode, ApiResult, EmitEvent, RequestHandlers } from '@common/contract'
import { MAX_REQUEST_BYTES } from '@common/requests'

/** The page's policy; the meta tag in index.html has the same minus what only a header can say. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export interface WebShellOptions {
  /** The built renderer (index.html and its assets). */
  staticDir: string
  /** 0 picks a free port. */
  port: number
  /** Made at random when absent. */
  token?: string
  logError?: ErrorLogger
}

export interface WebShell {
  url: string
  port: number
  token: string
  /** Sends an event to every connected page. */
  emit: EmitEvent
  /** Serve these handlers (set once the workbench exists, since it needs `emit`). */
  serve(handlers: RequestHandlers): void
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/**
 * The browser shell: the built renderer and the API over HTTP (requests) and WebSocket (events),
 * on 127.0.0.1 only. Every /api/ call must carry the token made at start.
 */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  let handlers: RequestHandlers | null = null
  const sockets = new Set<WebSocket>()
  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      // A client that went away mid-request is not a server failure: there is no one to answer.
      if (req.destroyed || res.destroyed) return void res.destroy()
      options.logError?.('http', error)
      if (!res.headersSent) sendJson(res, 500, failure('internal', 'The server failed to answer.'))
      else res.destroy()
    })
  })
  // Bytes that are not HTTP, or a connection reset before a request was read: answer if the
  // socket can still take it, never let its error escape (an unhandled one ends the process).
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy()
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 })

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseTarget(req.url)
    if (!target) return sendJson(res, 400, failure('invalid', 'The request target is not a valid URL.'))
    const { url, path } = target
    if (path === null)
      return sendJson(res, 400, failure('invalid', 'The path is not valid percent-encoding.'))
    if (!isLocalHost(req.headers.host, port))
      return sendJson(res, 421, failure('invalid', 'Unexpected Host header.'))
    if (path.startsWith('/api/')) {
      if (!hasToken(req, url, token))
        return sendJson(res, 401, failure('invalid', 'Missing or wrong API token.'))
      if (req.method !== 'POST') return sendJson(res, 405, failure('invalid', 'API requests must be POST.'))
      if (!handlers) return sendJson(res, 503, failure('unavailable', 'The workbench is still starting.'))
      const body = await readBody(req)
      if (body === undefined) return sendJson(res, 413, failure('invalid', 'The request body is too large.'))
      let payload: unknown
      try {
        payload = body.length ? JSON.parse(body) : undefined
      } catch {
        return sendJson(res, 400, failure('invalid', 'The request body is not valid JSON.'))
      }
      const result = await dispatch(handlers, path.slice('/api/'.length), payload, options.logError)
      // A typed error is an answer, not a transport failure: it travels in the 200 body.
      return sendJson(res, 200, result)
    }
    return serveStatic(res, options.staticDir, path)
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Once upgraded, the socket is ours alone: a client that resets it while we answer must not
    // raise an error nobody listens to.
    socket.on('error', () => socket.destroy())
    const target = parseTarget(req.url)
    if (!target || target.path === null) return refuseUpgrade(socket, '400 Bad Request')
    if (
      target.path !== '/api/events' ||
      !isLocalHost(req.headers.host, port) ||
      !hasToken(req, target.url, token)
    )
      return refuseUpgrade(socket, '401 Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      ws.on('error', () => sockets.delete(ws))
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const emit: EmitEvent = (channel, payload) => {
    const message = JSON.stringify({ channel, payload })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message)
  }
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    emit,
    serve: (h) => {
      handlers = h
    },
    close: async () => {
      for (const ws of sockets) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The URL of a request and its decoded path (null when its percent-encoding is malformed). */
function parseTarget(target: string | undefined): { url: URL; path: string | null } | null {
  let url: URL
  try {
    url = new URL(target ?? '/', 'http://127.0.0.1')
  } catch {
    return null // answered as a 400 by the caller
  }
  try {
    return { url, path: decodeURIComponent(url.pathname) }
  } catch {
    return { url, path: null } // a URIError: malformed percent-encoding, a 400
  }
}

function refuseUpgrade(socket: Socket, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
  else socket.destroy()
}

function failure(code: ApiErrorCode, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** Refuse other host names, so a page on another site cannot reach us through DNS rebinding. */
function isLocalHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}

function hasToken(req: IncomingMessage, url: URL, token: string): boolean {
  const given = req.headers['x-workbench-token'] ?? url.searchParams.get('token') ?? ''
  const a = Buffer.from(String(given))
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_REQUEST_BYTES) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Serves a file of the built renderer; `pathname` is already decoded. */
async function serveStatic(res: ServerResponse, root: string, pathname: string): Promise<void> {
  const relative = normalize(pathname).replace(/^([/\\])+/, '')
  let file = join(root, relative)
  if (!file.startsWith(root + sep) && file !== root)
    return sendJson(res, 404, failure('not_found', 'Not found.'))
  let info = await stat(file).catch(() => null)
  // Unknown paths get the app itself, so a reload on any view works.
  if (!info?.isFile()) {
    if (extname(relative)) return sendJson(res, 404, failure('not_found', 'Not found.'))
    file = join(root, 'index.html')
    info = await stat(file).catch(() => null)
    if (!info) return sendJson(res, 500, failure('internal', 'The renderer is not built; run npm run build.'))
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'x-content-type-options': 'nosniff',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'max-age=3600',
  })
  // pipeline closes the file when the client goes away mid-transfer; there is no one to tell.
  pipeline(createReadStream(file), res, () => undefined)
}
