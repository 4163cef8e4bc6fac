/**
 * The import boundaries of docs/ARCHITECTURE.md are lint rules (eslint.config.mjs), and `npm test`
 * runs the linter: each case lints one import as if it were written in that file.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

/** The messages of the boundary rule for `code` placed at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

/** An import of `specifier` at `filePath`, and what the boundary rule says of it. */
const lintImport = (filePath: string, specifier: string) =>
  boundaryErrors(filePath, `import * as m from '${specifier}'\nexport default m\n`)

describe('import boundaries', () => {
  it.each([
    ['src-main/engine/train/x.ts', '../../api/dispatch', 'engine/ is below'],
    ['src-main/engine/x.ts', 'vue', 'no electron, no vue'],
    ['src-main/engine/data/x.ts', 'electron', 'no electron, no vue'],
    ['src-renderer/src/lib/x.ts', '../../../src-main/engine/runs/record', 'imports nothing of src-main'],
    ['src-renderer/src/lib/x.ts', 'node:fs', 'never touches Node'],
    ['src-common/x.ts', 'vue', 'imports only zod'],
    ['src-common/x.ts', '../src-main/engine/errors', 'imports only zod'],
    ['src-main/engine/train/x.ts', '../runs/store', 'train/ is below runs/'],
    ['src-main/engine/run-files/x.ts', '../train/rng', 'run-files/ is below train/ and runs/'],
    ['src-main/engine/run-files/x.ts', '../runs/store', 'run-files/ is below train/ and runs/'],
  ])('%s may not import %s', async (filePath, specifier, expected) => {
    const errors = await lintImport(filePath, specifier)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(expected)
  })

  it.each([
    ['src-main/engine/train/x.ts', '@common/schemas'],
    ['src-main/engine/train/x.ts', '../run-files/metrics'],
    ['src-main/engine/runs/x.ts', '../train/launch'],
    ['src-renderer/src/lib/x.ts', '@common/contract'],
    ['src-common/x.ts', 'zod'],
    ['src-common/x.ts', './schemas'],
  ])('%s may import %s', async (filePath, specifier) => {
    expect(await lintImport(filePath, specifier)).toEqual([])
  })
})
