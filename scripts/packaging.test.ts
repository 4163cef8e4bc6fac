/**
 * The packaging configuration (electron-builder.yml), read and validated by electron-builder's
 * own loader, as `npm run dist` will see it: the Electron fuses that close the ways to run
 * other code with the app's binary.
 */
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import { describe, expect, it } from 'vitest'

describe('electron-builder.yml', () => {
  it('is valid for electron-builder and flips the fuses of a hardened binary', async () => {
    const config = await getConfig(process.cwd(), null, null)
    await validateConfiguration(config, new DebugLogger(false))
    expect(config.electronFuses).toEqual({
      // ELECTRON_RUN_AS_NODE would make the binary a plain Node (training uses utilityProcess).
      runAsNode: false,
      // Neither NODE_OPTIONS nor --inspect may inject code or a debugger into the app.
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      // The app's code only from app.asar, and app.asar only as packaged.
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    })
  })
})
