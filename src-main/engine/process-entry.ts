/** Where the engine finds the entry of a process it starts (training process, GPU adapter probe). */
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where a process entry is, and the Node flags it needs. */
export interface ProcessEntry {
  path: string
  execArgv: string[]
}

/**
 * The entry `source` beside the calling module (`moduleUrl`), through tsx, when running from
 * TypeScript source (tests, tsx); else `bundle` beside the bundle (`out/main/`), which is the
 * calling module's folder or, when the bundler put it in a shared chunk, the one above `chunks/`;
 * the running program's folder (`mainFile`'s) is the last resort.
 */
export function resolveProcessEntry(
  moduleUrl: string,
  source: string,
  bundle: string,
  mainFile: string | undefined = typeof require === 'undefined' ? undefined : require.main?.filename,
): ProcessEntry {
  const here = fileURLToPath(moduleUrl)
  if (here.endsWith('.ts')) return { path: join(dirname(here), source), execArgv: ['--import', 'tsx'] }
  const moduleDir = dirname(here)
  const bundleDir = basename(moduleDir) === 'chunks' ? dirname(moduleDir) : moduleDir
  const candidates = [bundleDir, ...(mainFile ? [dirname(mainFile)] : [])].map((dir) => join(dir, bundle))
  return { path: candidates.find((path) => existsSync(path)) ?? candidates[0], execArgv: [] }
}
