import { shallowRef, type ShallowRef } from 'vue'

export interface UseLatestRequestOptions<T> {
  /**
   * Go back to the initial value, with no error, when a request starts, rather than keeping the
   * last answer until the next one arrives. Default false.
   */
  resetOnExecute?: boolean
  /** Called with the answer of the latest request only (never with one that was superseded). */
  onSuccess?: (value: T) => void
}

/** What `useLatestRequest` gives: `T` is an answer or the initial value. */
export interface LatestRequest<T, A extends unknown[]> {
  /** The latest answer, or the initial value. Writable: events may update it between requests. */
  state: ShallowRef<T>
  /** Whether the latest request is under way. */
  loading: ShallowRef<boolean>
  /** What the latest request threw; null once a later one answers, or after `reset`. */
  error: ShallowRef<unknown>
  /** Start a request; it supersedes every one before. Resolves when it ends; never rejects. */
  execute: (...args: A) => Promise<void>
  /** Drop the requests under way (their answers will be ignored) and go back to the initial value. */
  reset: () => void
}

/**
 * Call, keep the latest answer, its loading and error state (VueUse's useAsyncState is the
 * model). Each `execute` supersedes the ones before: an older answer, or error, that arrives
 * after a newer request started is dropped, so what shows is always the answer to the latest
 * question. Holds the answer in a shallowRef (answers are large and replaced whole).
 */
export function useLatestRequest<T, A extends unknown[] = [], I = T>(
  fetch: (...args: A) => Promise<T>,
  initial: I,
  options: UseLatestRequestOptions<T> = {},
): LatestRequest<T | I, A> {
  const state = shallowRef(initial) as ShallowRef<T | I>
  const loading = shallowRef(false)
  const error = shallowRef<unknown>(null)
  /** Counts requests; an answer is kept only if no request started after its own. */
  let latest = 0

  async function execute(...args: A): Promise<void> {
    const mine = ++latest
    if (options.resetOnExecute) {
      state.value = initial
      error.value = null
    }
    loading.value = true
    try {
      const value = await fetch(...args)
      if (mine !== latest) return
      state.value = value
      error.value = null
      options.onSuccess?.(value)
    } catch (e) {
      if (mine === latest) error.value = e
    } finally {
      if (mine === latest) loading.value = false
    }
  }

  function reset(): void {
    latest++
    state.value = initial
    error.value = null
    loading.value = false
  }

  return { state, loading, error, execute, reset }
}
