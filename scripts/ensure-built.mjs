// Builds the app (electron-vite) when out/ is missing or older than any source file, so that
// `npm run web|train|runs|start` always run the current code. Build output goes to stderr, keeping
// stdout clean for --json.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const stamp = join(root, 'out', '.build-stamp')
const inputs = [
  'src-main',
  'src-renderer',
  'resources',
  'electron.vite.config.ts',
  'package.json',
  'tsconfig.node.json',
]

function newest(path) {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let latest = 0
  for (const entry of readdirSync(path)) {
    if (entry.endsWith('.test.ts')) continue
    latest = Math.max(latest, newest(join(path, entry)))
  }
  return latest
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
const changed = Math.max(...inputs.map((p) => newest(join(root, p))))
if (changed > built) {
  process.stderr.write('Building the workbench (electron-vite build)...\n')
  // Stamp with the start time, so a file edited during the build makes the next run build again.
  const startedAt = new Date()
  const bin = join(root, 'node_modules', '.bin', 'electron-vite')
  const result = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 2, 2] })
  if (result.status !== 0) {
    process.stderr.write('The build failed; see the messages above.\n')
    process.exit(result.status ?? 1)
  }
  writeFileSync(stamp, startedAt.toISOString() + '\n')
  utimesSync(stamp, startedAt, startedAt)
}
