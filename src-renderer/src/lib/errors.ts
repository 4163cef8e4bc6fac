import { ApiRequestError } from '../api/client'

/** The sentence to show a person for anything a request or a handler threw. */
export function errorText(error: unknown): string {
  if (error instanceof ApiRequestError) return error.error.message
  if (error instanceof Error) return error.message
  return String(error)
}

/** The contract field a request's error names, when it names one. */
export function errorField(error: unknown): string | undefined {
  return error instanceof ApiRequestError ? error.error.field : undefined
}
