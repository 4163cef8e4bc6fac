import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// conf and electron-store are ESM-only; bundling them keeps the CommonJS main bundle loadable on Node 20.
const bundled = ['conf', 'electron-store']

/** src-common: the contract, schemas and pure helpers both sides share (see docs/ARCHITECTURE.md). */
const resolveCommon = { alias: { '@common': resolve(__dirname, 'src-common') } }

export default defineConfig({
  main: {
    resolve: resolveCommon,
    build: {
      externalizeDeps: { exclude: bundled },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          trainer: resolve(__dirname, 'src-main/engine/train/trainer-entry.ts'),
          replica: resolve(__dirname, 'src-main/engine/train/replica-entry.ts'),
          'gpu-probe': resolve(__dirname, 'src-main/engine/backend/webgpu/probe-entry.ts'),
        },
      },
    },
  },
  preload: {
    resolve: resolveCommon,
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: resolveCommon,
    plugins: [vue()],
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
  },
})
