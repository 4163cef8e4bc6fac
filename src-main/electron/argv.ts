/** The value of `--home DIR` or `--home=DIR` among the app's command-line arguments. */
export function readHomeFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--home=')) return argv[i].slice('--home='.length)
    if (argv[i] === '--home' && argv[i + 1] && !argv[i + 1].startsWith('--')) return argv[i + 1]
  }
  return undefined
}
