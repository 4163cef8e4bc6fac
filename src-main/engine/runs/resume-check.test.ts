import { describe, expect, it } from 'vitest'
import type { RunRecord, RunStatus } from '@common/contract'
import { UserError } from '../errors'
import { resumableRecord } from './resume-check'
import { recordFixture } from './run-record.fixtures'

const id = '20260101-000000-abcd'
const record = (status: RunStatus, extra: Partial<RunRecord> = {}): RunRecord =>
  recordFixture(status, extra, { epochs: 3 })

/** The UserError `resumableRecord` throws for these arguments (fails the test when it throws none). */
function refusal(read: RunRecord, epochs?: number): UserError {
  try {
    resumableRecord(read, epochs)
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error(`resumableRecord accepted a ${read.status} run`)
}

describe('resumableRecord', () => {
  it('goes on from a stopped, interrupted or failed run as it stands', () => {
    for (const status of ['stopped', 'interrupted', 'failed'] as const) {
      const read = record(status)
      expect(resumableRecord(read)).toEqual(read)
    }
  })

  it('gives a run more epochs, a completed one going on as stopped', () => {
    const resumed = resumableRecord(record('completed'), 5)
    expect(resumed.status).toBe('stopped')
    expect(resumed.config.epochs).toBe(5)
    expect(resumableRecord(record('interrupted'), 4)).toMatchObject({
      status: 'interrupted',
      config: { epochs: 4 },
    })
  })

  it('refuses a completed run without more epochs, naming its epochs', () => {
    const error = refusal(record('completed'))
    expect(error.message).toBe(`Run ${id} already completed its 3 epochs.`)
    expect(error.code).toBe('conflict')
  })

  it('refuses as many epochs as the run has, or fewer, on the epochs field', () => {
    for (const epochs of [3, 1]) {
      const error = refusal(record('stopped'), epochs)
      expect(error.message).toBe(`Run ${id} already trains for 3 epochs; give it more than that.`)
      expect(error.field).toBe('epochs')
    }
  })

  it('refuses a run still on the workers queue, naming the worker that took it last', () => {
    const worker = { name: 'gpu-box', host: 'gpu-box.lan' }
    expect(refusal(record('running', { remote: true, worker })).message).toBe(
      `Run ${id} is on the workers' queue (last on gpu-box): it is collected from there, not resumed.`,
    )
    expect(refusal(record('queued', { remote: true })).message).toContain("is on the workers' queue:")
    // Once a worker's run has ended it resumes like any other.
    expect(resumableRecord(record('failed', { remote: true })).status).toBe('failed')
  })
})
