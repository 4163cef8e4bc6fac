/**
 * Notices changes to the run store that other processes make (a CLI command, another window or
 * shell on the same home): a run folder that appears or goes, a run.json or lock.json rewritten.
 * It watches `<home>/runs/` and each run folder in it (one watch each: Node's recursive watching
 * is not native on Linux) and reports each run that changed once things settle.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { runIdSchema } from '@common/schemas'
import { homePaths } from '../home'

/** Files whose change changes what a run's listing shows. */
const WATCHED_FILES = new Set(['run.json', 'lock.json'])

export interface RunStoreWatcher {
  close(): void
}

/**
 * Calls `onChange(runId)` for every run whose folder, record or lock changes, at most once per
 * `settleMs` for each run. Errors of the watches themselves go to `onError`.
 */
export async function watchRunStore(
  home: string,
  onChange: (runId: string) => void,
  onError: (error: Error) => void,
  settleMs = 100,
): Promise<RunStoreWatcher> {
  const root = homePaths(home).runs
  await mkdir(root, { recursive: true })
  const folders = new Map<string, FSWatcher>()
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  let closed = false

  const changed = (id: string) => {
    if (closed || timers.has(id)) return
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id)
        if (!closed) onChange(id)
      }, settleMs),
    )
  }
  const unwatchFolder = (id: string) => {
    folders.get(id)?.close()
    folders.delete(id)
  }
  const watchFolder = (id: string) => {
    if (closed || folders.has(id)) return
    try {
      const watcher = watch(join(root, id), (_event, name) => {
        if (name && WATCHED_FILES.has(name)) changed(id)
      })
      // A folder that goes away is unwatched when the root's watch reports it; some systems fail first.
      watcher.on('error', () => unwatchFolder(id))
      folders.set(id, watcher)
    } catch (error) {
      // Gone between the listing and the watch, or not a folder: nothing of a run to watch.
      if (!['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? ''))
        onError(error as Error)
    }
  }

  const rootWatcher = watch(root, (_event, name) => {
    if (!name || name.startsWith('.') || !runIdSchema.safeParse(name).success) return
    changed(name)
    if (existsSync(join(root, name))) watchFolder(name)
    else unwatchFolder(name)
  })
  rootWatcher.on('error', onError)
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) watchFolder(entry.name)
  }

  return {
    close() {
      closed = true
      rootWatcher.close()
      for (const id of [...folders.keys()]) unwatchFolder(id)
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
    },
  }
}
