/**
 * Entry of a test's child process: one CLI command from source (`main` with the arguments
 * given), so that a test can kill it as a person would kill `npm run train` or `npm run sweep`.
 */
import { main } from '../main'

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
    process.exitCode = 1
  },
)
