/**
 * Probing and activation of the compute backend over a `BackendEnvironment`, with the
 * per-process cache. `index.ts` binds it to the real Node environment.
 */
import type { BackendName, BackendReport, BackendUsed } from '@common/contract'
import type { BackendPreference } from '@common/schemas'
import { UserError, errorMessage } from '../errors'
import { CANDIDATES, probeCandidates, unavailableMessage } from './candidates'
import type { BackendEnvironment } from './candidates'

export interface BackendSelector {
  probeBackends(preference: BackendPreference): Promise<BackendReport>
  activateBackend(preference: BackendPreference): Promise<{ used: BackendUsed; report: BackendReport }>
}

/** A selector that caches one report per preference for its lifetime (the process). */
export function createBackendSelector(env: BackendEnvironment): BackendSelector {
  const reports = new Map<BackendPreference, Promise<BackendReport>>()
  // Backends that loaded but failed to start; they stay out for the rest of the process.
  const failed = new Map<BackendName, string>()

  function probeBackends(preference: BackendPreference): Promise<BackendReport> {
    let report = reports.get(preference)
    if (!report) {
      report = probeCandidates(preference, env, failed)
      // A probe that threw (a bug, not an unavailable backend) must not stay cached.
      report.catch(() => reports.delete(preference))
      reports.set(preference, report)
    }
    return report
  }

  async function activateBackend(preference: BackendPreference) {
    let report = await probeBackends(preference)
    for (;;) {
      const selected = report.selected
      if (selected === null) throw new UserError(unavailableMessage(report), 'unavailable', 'backend')
      const spec = CANDIDATES.find((c) => c.name === selected)!
      try {
        const { device, threads, adapter } = await env.start(spec)
        const used: BackendUsed = { name: selected, version: env.version(spec.package), device, threads }
        if (adapter) used.adapter = adapter
        return { used, report }
      } catch (error) {
        failed.set(selected, `failed to start: ${errorMessage(error)}`)
        reports.clear()
        report = await probeBackends(preference)
      }
    }
  }

  return { probeBackends, activateBackend }
}
