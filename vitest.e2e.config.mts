import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

/** Browser tests: the built app in the web shell, driven by Debian's Chromium. */
export default defineConfig({
  resolve: { alias: { '@common': resolve(import.meta.dirname, 'src-common') } },
  test: {
    include: ['e2e/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // One spec at a time: each one starts a shell and a browser, and training needs the cores.
    fileParallelism: false,
  },
})
