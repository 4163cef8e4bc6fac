import { describe, expect, it } from 'vitest'
import { useLatestRequest } from './use-latest-request'

/** A promise the test resolves or rejects when it likes. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((yes, no) => {
    resolve = yes
    reject = no
  })
  return { promise, resolve, reject }
}

/** A fetch whose calls the test answers one by one, in any order. */
function controlledFetch() {
  const calls: { arg: string; answer: ReturnType<typeof deferred<string>> }[] = []
  const fetch = (arg: string) => {
    const answer = deferred<string>()
    calls.push({ arg, answer })
    return answer.promise
  }
  return { calls, fetch }
}

describe('useLatestRequest', () => {
  it('keeps the answer and its loading state', async () => {
    const { calls, fetch } = controlledFetch()
    const seen: string[] = []
    const latest = useLatestRequest(fetch, 'none', { onSuccess: (v) => seen.push(v) })
    expect(latest.state.value).toBe('none')
    const done = latest.execute('a')
    expect(latest.loading.value).toBe(true)
    calls[0].answer.resolve('answer to a')
    await done
    expect(latest.state.value).toBe('answer to a')
    expect(latest.loading.value).toBe(false)
    expect(latest.error.value).toBeNull()
    expect(seen).toEqual(['answer to a'])
  })

  it('never lets an older answer that arrives late overwrite a newer one', async () => {
    const { calls, fetch } = controlledFetch()
    const seen: string[] = []
    const latest = useLatestRequest(fetch, 'none', { onSuccess: (v) => seen.push(v) })
    const first = latest.execute('old')
    const second = latest.execute('new')
    calls[1].answer.resolve('new answer')
    await second
    expect(latest.state.value).toBe('new answer')
    calls[0].answer.resolve('old answer')
    await first
    expect(latest.state.value).toBe('new answer')
    expect(seen).toEqual(['new answer'])
  })

  it('stays loading until the latest request ends, whatever the older ones do', async () => {
    const { calls, fetch } = controlledFetch()
    const latest = useLatestRequest(fetch, 'none')
    const first = latest.execute('old')
    void latest.execute('new')
    calls[0].answer.reject(new Error('old failed'))
    await first
    expect(latest.loading.value).toBe(true)
    expect(latest.error.value).toBeNull()
  })

  it('keeps the last answer and shows the error of a failed latest request until one answers', async () => {
    const { calls, fetch } = controlledFetch()
    const latest = useLatestRequest(fetch, 'none')
    const ok = latest.execute('a')
    calls[0].answer.resolve('answer to a')
    await ok
    const failed = latest.execute('b')
    calls[1].answer.reject(new Error('b failed'))
    await failed
    expect(latest.state.value).toBe('answer to a')
    expect((latest.error.value as Error).message).toBe('b failed')
    // The error stays while the next request runs (no flicker), and goes when it answers.
    const retry = latest.execute('b')
    expect((latest.error.value as Error).message).toBe('b failed')
    calls[2].answer.resolve('answer to b')
    await retry
    expect(latest.error.value).toBeNull()
    expect(latest.state.value).toBe('answer to b')
  })

  it('starts from the initial value on each request when asked to', async () => {
    const { calls, fetch } = controlledFetch()
    const latest = useLatestRequest(fetch, 'none', { resetOnExecute: true })
    const first = latest.execute('a')
    calls[0].answer.reject(new Error('a failed'))
    await first
    void latest.execute('b')
    expect(latest.state.value).toBe('none')
    expect(latest.error.value).toBeNull()
  })

  it('drops the answers of requests under way on reset', async () => {
    const { calls, fetch } = controlledFetch()
    const latest = useLatestRequest(fetch, 'none')
    const pending = latest.execute('a')
    latest.reset()
    expect(latest.loading.value).toBe(false)
    calls[0].answer.resolve('answer to a')
    await pending
    expect(latest.state.value).toBe('none')
    expect(latest.loading.value).toBe(false)
  })
})
