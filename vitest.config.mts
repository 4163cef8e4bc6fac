import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
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
  },
})
