import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import relaxedSimd from './src-main/engine/backend/wasm-kernels/simd/relaxed-simd.json' with { type: 'json' }

// As in simd/features.ts (which the config cannot import): Node 20 needs a flag for relaxed SIMD.
const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly
const relaxedSimdArgv = wasm.validate(new Uint8Array(relaxedSimd.probe)) ? [] : [relaxedSimd.flag]

export default defineConfig({
  // Component tests mount .vue files (in happy-dom, chosen per file).
  plugins: [vue()],
  resolve: { alias: { '@common': resolve(import.meta.dirname, 'src-common') } },
  test: {
    include: [
      'scripts/**/*.test.ts',
      'src-common/**/*.test.ts',
      'src-main/**/*.test.ts',
      'src-renderer/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Training tests are CPU-bound; two cores, so keep the pool small.
    maxWorkers: 2,
    // The wasm kernels' relaxed-SIMD code runs (and is tested) where Node needs a flag for it.
    execArgv: relaxedSimdArgv,
  },
})
