/**
 * Entry of a test's child process: the `web` command's startWeb on the home and renderer folder
 * given as arguments, printing its URL like the command does, until SIGTERM.
 */
import { startWeb } from './web'

async function serve(home: string, staticDir: string): Promise<void> {
  const io = { stdout: process.stdout, stderr: process.stderr }
  const web = await startWeb({ home, port: 0, staticDir, io })
  process.stdout.write(`Open ${web.url}\n`)
  process.once('SIGTERM', () => void web.close().then(() => process.exit(0)))
}

serve(process.argv[2], process.argv[3]).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
