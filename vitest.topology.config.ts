import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The production topology's proof (issue 15): 2 API and 2 worker replicas of the built system, several minutes;
// `npm run test:topology` (not part of `./dev test`).
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/topology/**/*.topology-test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
