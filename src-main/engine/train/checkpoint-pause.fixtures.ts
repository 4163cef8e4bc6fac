/**
 * Test fixture, preloaded into a training process (`--import`) by the run tests, never by the
 * app: when the checkpoint of epoch $PAUSE_IN_CHECKPOINT_EPOCH is half written (model.json and
 * weights.bin are in its temporary folder, optimizer.bin is about to be opened), it writes the
 * process's pid to the file $PAUSE_IN_CHECKPOINT_MARKER and blocks there for good, so that the
 * test can kill -9 the process in the middle of the write. Once per marker: a resumed process
 * sees the marker and writes its checkpoints undisturbed.
 */
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { basename, dirname } from 'node:path'

const epoch = process.env.PAUSE_IN_CHECKPOINT_EPOCH
const marker = process.env.PAUSE_IN_CHECKPOINT_MARKER

if (epoch && marker && !fs.existsSync(marker)) {
  const open = fs.promises.open
  const pausing: typeof open = (path, ...rest) => {
    const file = String(path)
    if (basename(file) === 'optimizer.bin' && basename(dirname(file)).startsWith(`.tmp-${epoch}-`)) {
      fs.writeFileSync(marker, String(process.pid))
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
    }
    return open(path, ...rest)
  }
  fs.promises.open = pausing
  // ES module imports of node:fs/promises see the replacement only after this.
  syncBuiltinESMExports()
}
