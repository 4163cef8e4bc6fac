/**
 * A newcomer's first install on the README's Node: no library may declare a newer Node than the
 * workbench does, but for Electron's own tooling, whose warnings scripts/setup.mjs folds into
 * one sentence, and which must then really load on this Node.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { minVersion, satisfies } from 'semver'
import { describe, expect, it } from 'vitest'
import { ELECTRON_TOOLCHAIN, EngineWarningFolder } from './engine-warnings.mjs'

interface LockedPackage {
  name?: string
  version?: string
  engines?: { node?: string }
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>
}
const ours = lock.packages['']
/** The oldest Node the workbench says it runs on (package.json's engines, the README's). */
const oldestNode = minVersion(ours.engines?.node ?? '')?.version ?? ''

/** The name of a locked package, from its folder when the entry does not say. */
const nameOf = (path: string, entry: LockedPackage) => entry.name ?? path.split('node_modules/').at(-1)

describe('the packages of a first install', () => {
  it('all accept the oldest Node the README names, but for Electrons tooling', () => {
    expect(oldestNode).toBe('20.19.0')
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path && entry.engines?.node)
      .filter(([, entry]) => !satisfies(oldestNode, entry.engines!.node!, { includePrerelease: true }))
      .map(([path, entry]) => nameOf(path, entry))
    expect([...new Set(refusing)].sort()).toEqual([...ELECTRON_TOOLCHAIN].sort())
  })

  it('of Electrons tooling load and work on this Node', async () => {
    const { downloadArtifact } = await import('@electron/get')
    const { extract } = await import('@electron-internal/extract-zip')
    const { rebuild } = await import('@electron/rebuild')
    // node-abi has no types of its own.
    const { getAbi } = createRequire(import.meta.url)('node-abi') as {
      getAbi(target: string, runtime: string): string
    }
    expect([typeof downloadArtifact, typeof extract, typeof rebuild]).toEqual([
      'function',
      'function',
      'function',
    ])
    const electronVersion = lock.packages['node_modules/electron'].version ?? ''
    expect(Number(getAbi(electronVersion, 'electron'))).toBeGreaterThan(0)
  })
})

/** npm's warning for one package, as npm 11 prints it. */
const block = (pkg: string, required: string) => [
  'npm warn EBADENGINE Unsupported engine {',
  `npm warn EBADENGINE   package: '${pkg}',`,
  `npm warn EBADENGINE   required: { node: '${required}' },`,
  "npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '11.19.1' }",
  'npm warn EBADENGINE }',
]

describe('EngineWarningFolder', () => {
  it('folds the blocks of Electrons tooling into one sentence and keeps every other line', () => {
    const output = [
      ...block('@electron/get@5.1.0', '>=22.12.0'),
      ...block('some-library@3.0.0', '>=24'),
      ...block('electron@45.5.0', '>= 22.12.0'),
      '',
      'added 541 packages in 1m',
    ]
    const folder = new EngineWarningFolder()
    const shown = [...output.flatMap((line) => folder.push(line)), ...folder.end()]
    expect(shown).toEqual([...block('some-library@3.0.0', '>=24'), '', 'added 541 packages in 1m'])
    expect(folder.folded).toEqual(['@electron/get@5.1.0', 'electron@45.5.0'])
    expect(folder.summary('v20.20.2')).toBe(
      "Electron's install tooling (@electron/get@5.1.0, electron@45.5.0) asks for Node 22.12 or newer; it installs and runs on this Node v20.20.2, so npm's EBADENGINE warnings about it are left out here.",
    )
  })

  it('says nothing when there was nothing to fold, and shows an unfinished block as it came', () => {
    const folder = new EngineWarningFolder()
    const partial = block('electron@45.5.0', '>= 22.12.0').slice(0, 3)
    expect([...partial.flatMap((line) => folder.push(line)), ...folder.end()]).toEqual(partial)
    expect(folder.summary()).toBeNull()
  })
})
