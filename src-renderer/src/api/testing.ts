/**
 * The preload's bridge as unit tests of composables and components use it: the test answers each
 * request when it likes (at once, later, or out of order) and sends events, and the renderer's
 * client talks to it exactly as it talks to the desktop app's bridge.
 */
import { vi } from 'vitest'
import { EVENT_CHANNELS, REQUEST_CHANNELS } from '@common/channels'
import type {
  ApiError,
  ApiResult,
  EventChannel,
  EventPayload,
  RequestChannel,
  RequestInput,
  RequestOutput,
  WorkbenchBridge,
} from '@common/contract'

/** A request the renderer sent that waits for the test to answer it. */
export interface PendingRequest<C extends RequestChannel = RequestChannel> {
  channel: C
  input: RequestInput<C>
  /** Answer it, then let the renderer's promises run. */
  answer(value: RequestOutput<C>): Promise<void>
  /** Refuse it with a typed error, then let the renderer's promises run. */
  fail(error: ApiError): Promise<void>
}

type Handler<C extends RequestChannel> = (input: RequestInput<C>) => RequestOutput<C>

/** Let every promise continuation (and zero-delay timer) that is ready run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

/** The bridge a test drives; one per test file, emptied by `reset` between tests. */
export class TestBridge {
  /** Requests asked and not answered yet, oldest first. */
  readonly pending: PendingRequest[] = []
  private readonly handlers = new Map<RequestChannel, Handler<RequestChannel>>()
  private readonly listeners = new Map<EventChannel, Set<(payload: unknown) => void>>()

  /** The object the client finds at `window.workbench`. */
  readonly bridge: WorkbenchBridge = {
    requests: Object.fromEntries(
      REQUEST_CHANNELS.map((channel) => [channel, (input: unknown) => this.receive(channel, input)]),
    ) as unknown as WorkbenchBridge['requests'],
    events: Object.fromEntries(
      EVENT_CHANNELS.map((channel) => [
        channel,
        (listener: (payload: unknown) => void) => this.listen(channel, listener),
      ]),
    ) as unknown as WorkbenchBridge['events'],
  }

  /** Answer every later request of `channel` at once, with what `handler` returns. */
  handle<C extends RequestChannel>(channel: C, handler: Handler<C>): void {
    this.handlers.set(channel, handler as unknown as Handler<RequestChannel>)
  }

  /** The pending requests of `channel`, oldest first. */
  requests<C extends RequestChannel>(channel: C): PendingRequest<C>[] {
    return this.pending.filter((p): p is PendingRequest<C> => p.channel === channel)
  }

  /** Send an event to everyone listening, as the main side would. */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    for (const listener of [...(this.listeners.get(channel) ?? [])]) listener(payload)
  }

  /** How many listen to `channel` (a composable that was disposed must have stopped). */
  listenerCount(channel: EventChannel): number {
    return this.listeners.get(channel)?.size ?? 0
  }

  /** Forget handlers and pending requests (listeners belong to the code under test). */
  reset(): void {
    this.handlers.clear()
    this.pending.length = 0
  }

  private receive(channel: RequestChannel, input: unknown): Promise<ApiResult<unknown>> {
    const handler = this.handlers.get(channel)
    if (handler) return Promise.resolve({ ok: true, value: handler(input as never) })
    return new Promise((resolve) => {
      const done = (result: ApiResult<unknown>) => {
        this.pending.splice(this.pending.indexOf(request), 1)
        resolve(result)
        return settle()
      }
      const request: PendingRequest = {
        channel,
        input: input as never,
        answer: (value) => done({ ok: true, value }),
        fail: (error) => done({ ok: false, error }),
      }
      this.pending.push(request)
    })
  }

  private listen(channel: EventChannel, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(channel)
    if (!set) this.listeners.set(channel, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }
}

let installed: TestBridge | null = null

/**
 * Put a TestBridge where the client looks for the desktop app's bridge. The client keeps the
 * first transport it finds, so this returns the same bridge for the whole test file.
 */
export function installTestBridge(): TestBridge {
  if (installed) return installed
  installed = new TestBridge()
  const global = globalThis as { window?: { workbench?: WorkbenchBridge } }
  global.window ??= {}
  global.window.workbench = installed.bridge
  return installed
}

/**
 * A new bridge and fresh modules, for composables that keep app-wide state (the settings, the run
 * list): import the composable after this, and it and its client start from nothing.
 */
export async function freshBridge(): Promise<TestBridge> {
  vi.resetModules()
  const fresh: typeof import('./testing') = await import('./testing')
  return fresh.installTestBridge()
}
