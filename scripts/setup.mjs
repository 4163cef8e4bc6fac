// `npm run setup`: install the dependencies, try to fetch the Electron binary, and build.
// The install always skips Electron's own download, which fails where GitHub is unreachable, and
// then fetches the binary separately so that its failure costs only the desktop window.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { EngineWarningFolder } from './engine-warnings.mjs'

const root = new URL('..', import.meta.url).pathname
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(command, args, env = {}) {
  return (
    spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1
  )
}

/** npm install, its output shown as it comes but for Electron's engine warnings (see engine-warnings.mjs). */
async function install(args) {
  const child = spawn(npm, args, {
    cwd: root,
    stdio: ['inherit', 'inherit', 'pipe'],
    // onnxruntime-node's install step fetches CUDA libraries from outside the registry; the CPU
    // binaries the tests use ship in its package.
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ONNXRUNTIME_NODE_INSTALL: 'skip' },
  })
  const closed = new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)))
  const folder = new EngineWarningFolder()
  const show = (lines) => lines.forEach((line) => process.stderr.write(`${line}\n`))
  for await (const line of createInterface({ input: child.stderr })) show(folder.push(line))
  show(folder.end())
  const code = await closed
  const summary = folder.summary()
  if (summary) console.log(summary)
  return code
}

const mode = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install'
if ((await install([mode, '--no-audit', '--no-fund'])) !== 0) {
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
