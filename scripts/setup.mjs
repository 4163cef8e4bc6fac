// `npm run setup`: install the dependencies, try to fetch the Electron binary, and build.
// The install always skips Electron's own download, which fails where GitHub is unreachable, and
// then fetches the binary separately so that its failure costs only the desktop window.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(command, args, env = {}) {
  return (
    spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1
  )
}

const install = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install'
if (run(npm, [install, '--no-audit', '--no-fund'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }) !== 0) {
  console.error('npm could not install the dependencies; see the messages above.')
  process.exit(1)
}
const electron = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
  cwd: root,
  stdio: 'pipe',
  timeout: 180_000,
  env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
})
if (electron.status !== 0) {
  console.log(
    'The Electron binary could not be downloaded, so npm start will open the workbench in your browser.',
  )
}
process.exit(run(process.execPath, [join(root, 'scripts/ensure-built.mjs')]))
