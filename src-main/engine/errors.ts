/**
 * An error caused by what the user asked for (a bad value, a missing file, an unknown run).
 * Its message is one sentence meant for a person; the API maps it to a typed error and the CLI
 * to exit code 2.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** What kind of mistake: a bad value, something that does not exist, or a clash with state. */
    readonly code: 'invalid' | 'not_found' | 'conflict' | 'unavailable' = 'invalid',
    /** The field or flag that was wrong, when one was. */
    readonly field?: string,
  ) {
    super(message)
    this.name = 'UserError'
  }
}

/** The message of anything thrown, for logs and for the last line of a failure. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
