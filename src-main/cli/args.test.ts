import { describe, expect, it } from 'vitest'
import { parseFlags, type FlagSpecs } from './args'

const specs = {
  epochs: { type: 'int', min: 1, description: '' },
  'learning-rate': { type: 'number', description: '' },
  optimizer: { type: 'string', choices: ['adam', 'sgd'], description: '' },
  json: { type: 'boolean', description: '' },
} satisfies FlagSpecs

describe('parseFlags', () => {
  it('converts values by type', () => {
    const { flags, positionals } = parseFlags(
      ['list', '--epochs', '3', '--learning-rate=1e-3', '--json'],
      specs,
    )
    expect(flags).toEqual({ epochs: 3, 'learning-rate': 0.001, json: true })
    expect(positionals).toEqual(['list'])
  })

  it.each([
    [['--bogus'], 'Unknown flag --bogus; run with --help to see the flags.'],
    [['--epochs', 'two'], '--epochs must be a whole number, not "two".'],
    [['--epochs', '1.5'], '--epochs must be a whole number, not "1.5".'],
    [['--epochs', '0'], '--epochs must be at least 1, not 0.'],
    [['--learning-rate', 'fast'], '--learning-rate must be a number, not "fast".'],
    [['--optimizer', 'lbfgs'], '--optimizer must be one of adam, sgd, not "lbfgs".'],
    [['--epochs'], 'Flag --epochs needs a value.'],
  ])('refuses %j with one sentence', (argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(message)
  })
})
