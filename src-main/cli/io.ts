/** Where a command writes: the terminal in the CLI, buffers in tests. */
export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream
}
