/**
 * The GPU adapter probe (built to `out/main/gpu-probe.js`), a process that lives for one answer:
 * it asks Dawn for an adapter through each graphics API this platform has, best first, and
 * prints one JSON line (`ProbeAnswer`), or, in a utility process, posts it to the app. It runs
 * apart because finding adapters loads every GPU driver of the machine: their complaints (Mesa's
 * XDG_RUNTIME_DIR line, Dawn's warnings about adapters it turns down) go to this process's
 * stderr, which the caller keeps off the terminal, and a driver that crashes ends this process,
 * not the app or a run.
 */
import { errorMessage } from '../../errors'
import { dawnBackendsFor } from './adapter'
import { findAdapter, loadDawn, prepareDawnEnvironment } from './dawn'
import type { ProbeAnswer } from './probe'

async function probe(): Promise<ProbeAnswer> {
  let module: Awaited<ReturnType<typeof loadDawn>>
  try {
    module = await loadDawn()
  } catch (error) {
    return { adapter: null, reason: `Dawn's bindings did not load: ${errorMessage(error).split('\n', 1)[0]}` }
  }
  const tried: string[] = []
  for (const backend of dawnBackendsFor(process.platform)) {
    prepareDawnEnvironment(backend)
    const adapter = await findAdapter(module, backend)
    if (adapter) return { adapter }
    tried.push(backend.api)
  }
  return { adapter: null, reason: `Dawn found no adapter through ${tried.join(' or ')}` }
}

/** Electron's side of a utility process's port (absent under plain Node). */
const parentPort = (process as { parentPort?: { postMessage(message: unknown): void } }).parentPort

void probe().then((answer) => {
  if (parentPort) {
    // A utility process (the desktop app): Electron drops output that arrives after the exit, so
    // the answer goes as a message, and the app ends this process once it has it (leaving at
    // once could lose the message; the timer only ends a process nobody ended).
    parentPort.postMessage(answer)
    setTimeout(() => process.exit(0), 5000)
    return
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`)
  // Dawn's instances may hold the event loop open; the answer is all this process is for.
  process.exit(0)
})
