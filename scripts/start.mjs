// `npm start`: build if needed, then open the desktop app; where the Electron binary is not
// installed (ELECTRON_SKIP_BINARY_DOWNLOAD), say so and start the browser shell instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
if (!existsSync(join(root, 'node_modules'))) {
  const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs')], { stdio: 'inherit' })
  if (setup.status !== 0) process.exit(setup.status ?? 1)
}
const built = spawnSync(process.execPath, [join(root, 'scripts/ensure-built.mjs')], { stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)

/**
 * The Electron binary setup downloaded, or null. Read from the package's path.txt rather than by
 * requiring `electron`, which would try to download the binary itself, noisily, where it cannot.
 */
function electronBinary() {
  const pkg = join(root, 'node_modules/electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(binary) ? binary : null
}

const args = process.argv.slice(2)
const binary = electronBinary()
const command = binary
  ? [binary, [root, ...args]]
  : [process.execPath, [join(root, 'out/main/cli.js'), 'web', ...args]]
if (!binary) {
  console.log('The Electron binary is not installed here, so the workbench starts in your browser instead.')
}
const child = spawn(command[0], command[1], { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
