import { randomBytes } from 'node:crypto'

/** A new run id, sortable by creation time (UTC, to the second) and unique: `20261126-173000-ab12`. */
export function newRunId(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`
  return `${date}-${time}-${randomBytes(2).toString('hex')}`
}
