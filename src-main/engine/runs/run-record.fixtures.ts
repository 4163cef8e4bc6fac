/** A run's record for the tests of pure record logic, without a data set or a folder on disk. */
import type { RunRecord, RunStatus } from '@common/contract'
import { runConfigSchema, type RunConfigInput } from '@common/schemas'

/** The record of run 20260101-000000-abcd in `status` on default settings (with `config`'s), `extra` on top. */
export function recordFixture(
  status: RunStatus,
  extra: Partial<RunRecord> = {},
  config: RunConfigInput = {},
): RunRecord {
  return {
    id: '20260101-000000-abcd',
    name: 'baseline',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    status,
    config: runConfigSchema.parse(config),
    dataset: null,
    backend: null,
    summary: null,
    checkpointEpoch: 1,
    ...extra,
  }
}
