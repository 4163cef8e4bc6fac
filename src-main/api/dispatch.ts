import type { z } from 'zod'
import { UserError, errorMessage } from '../engine/errors'
import { REQUEST_CHANNELS, type RequestChannel } from '@common/channels'
import type { ApiError, ApiResult, RequestHandlers } from '@common/contract'
import { requestSchemas } from '@common/requests'

/** Where a handler's unexpected failure is reported with its stack (the user sees a sentence). */
export type ErrorLogger = (channel: string, error: unknown) => void

/** Whether `channel` names a request of the contract (anything else is refused). */
export function isRequestChannel(channel: string): channel is RequestChannel {
  return (REQUEST_CHANNELS as readonly string[]).includes(channel)
}

/** The one sentence naming what was wrong with a payload. */
export function describeIssue(issue: z.core.$ZodIssue): ApiError {
  const field = issue.path.map(String).join('.')
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((key) => (field ? `${field}.${key}` : key))
    const message =
      names.length === 1
        ? `Field "${names[0]}" is not a field of this request.`
        : `Fields ${names.map((name) => `"${name}"`).join(', ')} are not fields of this request.`
    return { code: 'invalid', message, field: names[0] }
  }
  const message = field
    ? `Field "${field}" is invalid: ${issue.message}.`
    : `The request is invalid: ${issue.message}.`
  return { code: 'invalid', message: message.replace(/\.\.$/, '.'), ...(field ? { field } : {}) }
}

/**
 * Validate a request against its schema, run its handler, and turn every outcome into a typed
 * result. Nothing thrown escapes: a user mistake becomes its own code, anything else `internal`.
 */
export async function dispatch(
  handlers: RequestHandlers,
  channel: string,
  payload: unknown,
  logError: ErrorLogger = () => undefined,
): Promise<ApiResult<unknown>> {
  if (!isRequestChannel(channel)) {
    return { ok: false, error: { code: 'not_found', message: `There is no request named "${channel}".` } }
  }
  const parsed = requestSchemas[channel].safeParse(payload)
  if (!parsed.success) {
    // An unknown key is most often a typo of a known one, which then also looks missing or
    // defaulted: the unknown key is the issue worth naming.
    const issues = parsed.error.issues
    const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]
    return { ok: false, error: describeIssue(issue) }
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (error) {
    if (error instanceof UserError) {
      return {
        ok: false,
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      }
    }
    logError(channel, error)
    return { ok: false, error: { code: 'internal', message: `${channel} failed: ${errorMessage(error)}` } }
  }
}
