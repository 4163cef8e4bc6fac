import type { DownloadProgress } from '@common/contract'

export interface ProgressThrottle {
  /** Offers a report; it goes out now, later (as the newest of its file), or is replaced. */
  push(progress: DownloadProgress): void
  /** Sends every report still held back; call when the download settles. */
  flush(): void
}

/**
 * Passes on at most one report per file every `intervalMs` (default 100, so ~10/s), always the
 * newest, and a file's final report (all bytes received) at once.
 */
export function throttleProgress(
  send: (progress: DownloadProgress) => void,
  intervalMs = 100,
): ProgressThrottle {
  const lastSent = new Map<string, number>()
  const held = new Map<string, { progress: DownloadProgress; timer: NodeJS.Timeout }>()

  function sendNow(progress: DownloadProgress) {
    const waiting = held.get(progress.file)
    if (waiting) clearTimeout(waiting.timer)
    held.delete(progress.file)
    lastSent.set(progress.file, Date.now())
    send(progress)
  }

  return {
    push(progress) {
      const finished = progress.totalBytes !== null && progress.receivedBytes >= progress.totalBytes
      const since = Date.now() - (lastSent.get(progress.file) ?? -Infinity)
      if (finished || since >= intervalMs) return sendNow(progress)
      const waiting = held.get(progress.file)
      if (waiting) {
        waiting.progress = progress
        return
      }
      const timer = setTimeout(() => {
        const entry = held.get(progress.file)
        if (entry) sendNow(entry.progress)
      }, intervalMs - since)
      timer.unref()
      held.set(progress.file, { progress, timer })
    },
    flush() {
      for (const { progress } of [...held.values()]) sendNow(progress)
    },
  }
}
