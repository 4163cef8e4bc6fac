/**
 * Dawn writes its warnings straight to the stderr of the process that loaded it (native code,
 * out of reach of JavaScript): limits it lowered, adapters it turned down. They are not errors
 * (those fail the run, with their message) and a user can do nothing about them, so the main
 * side drops them from what a training process prints, and passes everything else on.
 */
import { Transform, type TransformCallback } from 'node:stream'

/** A line filter that drops Dawn's warning blocks ("Warning: ...", its " - While" and "    at" lines, the blank line after). */
export class DawnWarningFilter extends Transform {
  private partial = ''
  private inWarning = false

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    const lines = (this.partial + chunk.toString()).split('\n')
    this.partial = lines.pop() ?? ''
    const kept = lines.filter((line) => this.keep(line))
    if (kept.length > 0) this.push(kept.map((line) => `${line}\n`).join(''))
    done()
  }

  override _flush(done: TransformCallback): void {
    if (this.partial && this.keep(this.partial)) this.push(this.partial)
    done()
  }

  private keep(line: string): boolean {
    if (line.startsWith('Warning: ')) {
      this.inWarning = true
      return false
    }
    if (this.inWarning && (line.startsWith(' - ') || line.startsWith('    at '))) return false
    const endOfWarning = this.inWarning && line === ''
    this.inWarning = false
    return !endOfWarning
  }
}
