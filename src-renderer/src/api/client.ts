/**
 * The renderer's one way to the main side. In the desktop app it calls `window.workbench` (the
 * preload's bridge); in a browser it uses HTTP for requests and a WebSocket for events. Nothing
 * else in the renderer knows which.
 */
import type {
  ApiError,
  ApiResult,
  EventChannel,
  EventPayload,
  RequestChannel,
  RequestInput,
  RequestOutput,
} from '@common/contract'

/** A request that came back as a typed error. */
export class ApiRequestError extends Error {
  constructor(
    readonly channel: RequestChannel,
    readonly error: ApiError,
  ) {
    super(error.message)
    this.name = 'ApiRequestError'
  }
}

type Listener = (payload: unknown) => void

interface Transport {
  request(channel: RequestChannel, input: unknown): Promise<ApiResult<unknown>>
  subscribe(channel: EventChannel, listener: Listener): () => void
  /** Open the event connection if it is not yet. */
  connect(): void
}

/** Whether events can arrive; a page that was disconnected should reload its state when true again. */
type ConnectionListener = (connected: boolean) => void
const connectionListeners = new Set<ConnectionListener>()
let connected = false
function setConnected(next: boolean): void {
  if (next === connected) return
  connected = next
  for (const listener of connectionListeners) listener(next)
}

const TOKEN_KEY = 'workbench.token'

/** Take the token from the address bar once, keep it for reloads, and hide it from the URL. */
function webToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
}

function webTransport(): Transport {
  const token = webToken()
  const listeners = new Map<EventChannel, Set<Listener>>()
  let started = false
  let retryMs = 250

  function connect(): void {
    const url = new URL('/api/events', window.location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.searchParams.set('token', token)
    const socket = new WebSocket(url)
    socket.onopen = () => {
      retryMs = 250
      setConnected(true)
    }
    socket.onmessage = (message) => {
      const { channel, payload } = JSON.parse(String(message.data)) as {
        channel: EventChannel
        payload: unknown
      }
      for (const listener of listeners.get(channel) ?? []) listener(payload)
    }
    socket.onclose = () => {
      setConnected(false)
      // The shell may restart; reconnect with backoff, and tell the app so it can reload state.
      setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }

  return {
    async request(channel, input) {
      let response: Response
      try {
        response = await fetch(`/api/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-workbench-token': token },
          body: input === undefined ? '' : JSON.stringify(input),
        })
      } catch {
        return {
          ok: false,
          error: { code: 'unavailable', message: 'The workbench server cannot be reached.' },
        }
      }
      if (response.status === 401) {
        return {
          ok: false,
          error: {
            code: 'invalid',
            message: 'This page has no valid token; open the URL the server printed.',
          },
        }
      }
      try {
        return (await response.json()) as ApiResult<unknown>
      } catch {
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `The server answered ${channel} with something that is not JSON.`,
          },
        }
      }
    },
    connect() {
      // Once: after that, a closed socket reconnects by itself.
      if (started) return
      started = true
      connect()
    },
    subscribe(channel, listener) {
      this.connect()
      let set = listeners.get(channel)
      if (!set) listeners.set(channel, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
  }
}

function bridgeTransport(bridge: NonNullable<Window['workbench']>): Transport {
  return {
    request: (channel, input) =>
      (bridge.requests[channel] as (i: unknown) => Promise<ApiResult<unknown>>)(input),
    subscribe: (channel, listener) => (bridge.events[channel] as (l: Listener) => () => void)(listener),
    connect: () => undefined,
  }
}

let transport: Transport | null = null
function current(): Transport {
  if (!transport) {
    transport = window.workbench ? bridgeTransport(window.workbench) : webTransport()
    // IPC events cannot be missed; a WebSocket says when it is open.
    if (window.workbench) setConnected(true)
  }
  return transport
}

/** Send a request; resolves with its result or rejects with an ApiRequestError. */
export async function request<C extends RequestChannel>(
  channel: C,
  ...input: RequestInput<C> extends void ? [] : [RequestInput<C>]
): Promise<RequestOutput<C>> {
  const result = await current().request(channel, input[0])
  if (!result.ok) throw new ApiRequestError(channel, result.error)
  return result.value as RequestOutput<C>
}

/** Listen to an event; returns the function that stops listening. */
export function subscribe<E extends EventChannel>(
  channel: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return current().subscribe(channel, listener as Listener)
}

/**
 * Listen to the event connection going up and down (a WebSocket in a browser; always up in the
 * desktop app). Events sent while it was down are lost, so state should be reloaded when it comes
 * back. Calls the listener at once with the current state; returns the function that stops it.
 */
export function onConnection(listener: (connected: boolean) => void): () => void {
  current().connect()
  connectionListeners.add(listener)
  listener(connected)
  return () => connectionListeners.delete(listener)
}
