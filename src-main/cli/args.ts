import { parseArgs } from 'node:util'
import { limitText, parseNumber, withinLimit, type NumberLimit } from '@common/run-limits'
import { UserError } from '../engine/errors'

/** How one flag is read: its kind, the values it accepts, and the line `--help` shows for it. */
export interface FlagSpec {
  type: 'string' | 'int' | 'number' | 'boolean'
  description: string
  choices?: readonly string[]
  /** The values accepted, for int and number: a run limit, or the flag's own. */
  limit?: NumberLimit
}

export type FlagSpecs = Record<string, FlagSpec>

/** --home, which every command that reads or writes the workbench's folder takes. */
export const HOME_FLAG = {
  type: 'string',
  description: 'folder for settings, caches and runs (default: WORKBENCH_HOME or the OS app data folder)',
} as const satisfies FlagSpec

/** A number flag that accepts the values of `limit` (a whole number where the limit wants one). */
export function numberFlag(limit: NumberLimit, description: string) {
  return { type: limit.integer ? 'int' : 'number', limit, description } as const satisfies FlagSpec
}

/** --help, which every command takes. */
export const HELP_FLAG = { type: 'boolean', description: 'show this help' } as const satisfies FlagSpec

type FlagValue<F extends FlagSpec> = F['type'] extends 'boolean'
  ? boolean
  : F['type'] extends 'string'
    ? string
    : number

export type ParsedFlags<S extends FlagSpecs> = { [K in keyof S]?: FlagValue<S[K]> }

/** Read `--flag value` / `--flag=value` arguments; an unknown flag or a bad value is a UserError naming it. */
export function parseFlags<S extends FlagSpecs>(
  argv: string[],
  specs: S,
): { flags: ParsedFlags<S>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type === 'boolean' ? 'boolean' : 'string' },
    ]),
  ) as Record<string, { type: 'boolean' | 'string' }>
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, specs),
      options,
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new UserError(describeParseError(error), 'invalid')
  }
  const flags: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(parsed.values)) {
    const spec = specs[name]
    if (raw === undefined || !spec) continue
    flags[name] = convert(name, spec, raw as string | boolean)
  }
  return { flags: flags as ParsedFlags<S>, positionals: parsed.positionals }
}

/** An argument that is a negative number (`-1`, `-0.5`, `-.5`, `-1e-3`), not a flag. */
const NEGATIVE_NUMBER = /^-\.?\d/

/**
 * `--flag -1` becomes `--flag=-1`: parseArgs refuses a value starting with a dash as ambiguous,
 * and a negative number is a value the flag's own check then judges (and names what is wrong).
 */
function joinNegativeValues(argv: string[], specs: FlagSpecs): string[] {
  const joined: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') return [...joined, ...argv.slice(i)]
    const spec = arg.startsWith('--') ? specs[arg.slice(2)] : undefined
    const next = argv[i + 1]
    if (spec && spec.type !== 'boolean' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`)
      i++
    } else joined.push(arg)
  }
  return joined
}

function convert(name: string, spec: FlagSpec, raw: string | boolean): unknown {
  if (spec.type === 'boolean') return raw
  const text = String(raw)
  if (spec.choices && !spec.choices.includes(text)) {
    throw new UserError(
      `--${name} must be one of ${spec.choices.join(', ')}, not "${text}".`,
      'invalid',
      name,
    )
  }
  if (spec.type === 'string') return text
  // Numbers are read as the app's forms read them, so both accept the same text.
  const value = parseNumber(text)
  if (value === null || (spec.type === 'int' && !Number.isInteger(value))) {
    const kind = spec.type === 'int' ? 'a whole number' : 'a number'
    throw new UserError(`--${name} must be ${kind}, not "${text}".`, 'invalid', name)
  }
  if (spec.limit && !withinLimit(spec.limit, value)) {
    throw new UserError(`--${name} must be ${limitText(spec.limit)}, not ${text}.`, 'invalid', name)
  }
  return value
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const unknown = /Unknown option '([^']+)'/.exec(message)
  if (unknown) return `Unknown flag ${unknown[1]}; run with --help to see the flags.`
  // Ambiguous: the next argument is another flag (a negative number was joined above).
  const missing = /Option '([^']+?)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(message)
  if (missing) return `Flag ${missing[1].replace(/^-\w, /, '')} needs a value.`
  return message.split('\n')[0].replace(/\.?$/, '.')
}

/** The `--help` text of a command. */
export function usage(command: string, summary: string, specs: FlagSpecs): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const value =
      spec.type === 'boolean' ? '' : spec.choices ? ` ${spec.choices.join('|')}` : ` <${spec.type}>`
    const range = spec.limit ? `; ${limitText({ ...spec.limit, example: undefined })}` : ''
    return `  --${name}${value}`.padEnd(44) + spec.description + range
  })
  return `Usage: npm run ${command} -- [flags]\n${summary}\n\nFlags:\n${lines.join('\n')}\n`
}
