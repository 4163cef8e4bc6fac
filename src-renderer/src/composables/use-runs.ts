import { onScopeDispose, shallowRef } from 'vue'
import type { BatchProgress, RunListItem } from '@common/contract'
import { onConnection, request, subscribe } from '../api/client'
import { errorText } from '../lib/errors'

const items = shallowRef<RunListItem[]>([])
const loaded = shallowRef(false)
const error = shallowRef('')
/** The latest per-batch sample of each running run, for progress in lists. */
const live = shallowRef<ReadonlyMap<string, BatchProgress>>(new Map())

let users = 0
let stop: (() => void) | null = null
let timer: ReturnType<typeof setTimeout> | null = null
let inFlight: Promise<void> | null = null

async function load(): Promise<void> {
  try {
    items.value = await request('runs.list')
    error.value = ''
  } catch (e) {
    error.value = errorText(e)
  } finally {
    loaded.value = true
  }
}

/** Reload now, or join the reload already under way. */
function reload(): Promise<void> {
  inFlight ??= load().finally(() => (inFlight = null))
  return inFlight
}

/** Many events can come at once (an epoch ends, a status changes): reload once after them. */
function reloadSoon(): void {
  if (timer) clearTimeout(timer)
  timer = setTimeout(() => {
    timer = null
    void reload()
  }, 200)
}

function start(): () => void {
  const offs = [
    subscribe('runs.changed', reloadSoon),
    subscribe('runs.status', (event) => {
      // Show the new status at once; the reload that follows brings the rest of the record.
      items.value = items.value.map((item) =>
        item.id === event.runId && !item.damaged
          ? { ...item, record: { ...item.record, status: event.status, queuePlace: event.queuePlace } }
          : item,
      )
      if (event.status !== 'running' && live.value.has(event.runId)) {
        const next = new Map(live.value)
        next.delete(event.runId)
        live.value = next
      }
      reloadSoon()
    }),
    subscribe('runs.epoch', reloadSoon),
    subscribe('runs.progress', (progress) => {
      live.value = new Map(live.value).set(progress.runId, progress)
    }),
    onConnection((up) => {
      if (up) reloadSoon()
    }),
  ]
  void reload()
  return () => {
    offs.forEach((off) => off())
    // A reload still waiting would run for nobody.
    if (timer) clearTimeout(timer)
    timer = null
  }
}

/**
 * The stored runs, kept current by the store's events while any component uses them, and the
 * latest progress of those that are running.
 */
export function useRuns() {
  if (users++ === 0) stop = start()
  onScopeDispose(() => {
    if (--users === 0) {
      stop?.()
      stop = null
    }
  })
  return { items, loaded, error, live, reload }
}
