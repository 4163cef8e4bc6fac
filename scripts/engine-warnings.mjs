// npm's EBADENGINE warnings during the first install (`npm start` -> scripts/setup.mjs).
//
// Every supported Electron major's own tooling (its installer, and electron-builder's native
// rebuild) declares Node >= 22.12, while the workbench runs on Node 20.19 and newer. Those
// packages load and run on Node 20.19 (scripts/engine-warnings.test.ts loads each of them on the
// Node that runs the tests), so npm's five-line warning for each of them is folded into one
// sentence. Any other EBADENGINE warning, from a library that really needs a newer Node, is
// shown exactly as npm printed it.

/** The packages of Electron's toolchain whose engines exclude Node 20 (no supported major has better). */
export const ELECTRON_TOOLCHAIN = [
  'electron',
  '@electron/get',
  '@electron-internal/extract-zip',
  '@electron/rebuild',
  'node-abi',
]

const BLOCK_LINE = /^npm warn EBADENGINE( |$)/
const PACKAGE_LINE = /package: '(.+)@[^@']+'/

/** Folds npm's EBADENGINE blocks of Electron's toolchain out of its output, a line at a time. */
export class EngineWarningFolder {
  /** The packages whose warning was folded, as npm named them (`electron@45.5.0`). */
  folded = []
  #block = []

  /** Takes one line of npm's output; returns the lines to show now (a block waits for its end). */
  push(line) {
    if (!BLOCK_LINE.test(line)) return this.#flush([line])
    this.#block.push(line)
    if (!/^npm warn EBADENGINE }\s*$/.test(line)) return []
    const block = this.#block
    this.#block = []
    const named = block.map((l) => PACKAGE_LINE.exec(l)).find(Boolean)
    if (named && ELECTRON_TOOLCHAIN.includes(named[1])) {
      this.folded.push(named[0].slice("package: '".length, -1))
      return []
    }
    return block
  }

  /** The lines still held when the output ended (an unfinished block is shown as it came). */
  end() {
    return this.#flush([])
  }

  /** The one sentence that replaces the folded warnings, or null when none was folded. */
  summary(nodeVersion = process.version) {
    if (this.folded.length === 0) return null
    return (
      `Electron's install tooling (${this.folded.join(', ')}) asks for Node 22.12 or newer; ` +
      `it installs and runs on this Node ${nodeVersion}, so npm's EBADENGINE warnings about it are left out here.`
    )
  }

  #flush(lines) {
    const held = this.#block
    this.#block = []
    return [...held, ...lines]
  }
}
