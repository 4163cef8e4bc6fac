/**
 * What a resume may continue: a run's record as it stands, checked (not on the workers' queue,
 * more epochs than it has, not completed) before anything is written.
 */
import type { RunRecord } from '@common/contract'
import { UserError } from '../errors'
import { isOwnedStatus } from './run-ownership'

/**
 * The record a resume goes on from (with `epochs`, that many in all, a completed run stopped
 * short of them); throws a UserError naming why when the run cannot be resumed.
 */
export function resumableRecord(read: RunRecord, epochs?: number): RunRecord {
  const id = read.id
  if (read.remote && isOwnedStatus(read.status)) {
    const where = read.worker ? ` (last on ${read.worker.name})` : ''
    const message = `Run ${id} is on the workers' queue${where}: it is collected from there, not resumed.`
    throw new UserError(message, 'conflict', 'id')
  }
  if (epochs !== undefined && epochs <= read.config.epochs) {
    const message = `Run ${id} already trains for ${read.config.epochs} epochs; give it more than that.`
    throw new UserError(message, 'invalid', 'epochs')
  }
  const record: RunRecord =
    epochs === undefined
      ? read
      : {
          ...read,
          status: read.status === 'completed' ? 'stopped' : read.status,
          config: { ...read.config, epochs },
        }
  if (record.status === 'completed') {
    throw new UserError(`Run ${id} already completed its ${record.config.epochs} epochs.`, 'conflict', 'id')
  }
  return record
}
