import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The fault-injection suite (issue 11): against the built system, several minutes; `npm run test:faults`.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/faults/**/*.fault-test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
