import { describe, expect, it } from 'vitest'
import { RUN_LIMITS } from '@common/run-limits'
import { parseFlags, usage, type FlagSpecs } from './args'

const specs = {
  epochs: { type: 'int', limit: RUN_LIMITS.epochs, description: 'passes' },
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

  it('takes a negative number as the value of a number flag', () => {
    expect(parseFlags(['--learning-rate', '-1e-3', '--epochs', '2', 'list'], specs)).toEqual({
      flags: { 'learning-rate': -0.001, epochs: 2 },
      positionals: ['list'],
    })
    expect(parseFlags(['--learning-rate', '-.5'], specs).flags).toEqual({ 'learning-rate': -0.5 })
  })

  it.each([
    [['--epochs', '-3'], '--epochs must be a whole number from 1 to 1,000, not -3.'],
    [['--epochs', '--json'], 'Flag --epochs needs a value.'],
    [['--optimizer', '-1'], '--optimizer must be one of adam, sgd, not "-1".'],
    [['--bogus'], 'Unknown flag --bogus; run with --help to see the flags.'],
    [['--epochs', 'two'], '--epochs must be a whole number, not "two".'],
    [['--epochs', '1.5'], '--epochs must be a whole number, not "1.5".'],
    [['--epochs', '0'], '--epochs must be a whole number from 1 to 1,000, not 0.'],
    [['--epochs', '1001'], '--epochs must be a whole number from 1 to 1,000, not 1001.'],
    [['--epochs', '0x10'], '--epochs must be a whole number, not "0x10".'],
    [['--learning-rate', 'fast'], '--learning-rate must be a number, not "fast".'],
    [['--optimizer', 'lbfgs'], '--optimizer must be one of adam, sgd, not "lbfgs".'],
    [['--epochs'], 'Flag --epochs needs a value.'],
  ])('refuses %j with one sentence', (argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(message)
  })

  it('shows the accepted range in the help', () => {
    expect(usage('train', 'Train.', specs)).toMatch(
      /--epochs <int> +passes; a whole number from 1 to 1,000\n/,
    )
  })
})
