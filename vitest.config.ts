import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild: NestJS and TypeORM need decorator metadata, which esbuild does not emit.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    // Generous: workflow tests wait on real activities, and CI's 2 cores may be busy.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    // CI reads a plain closing line to know tests ran (test/support/closing-line-reporter.ts).
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    // Issue 12: the audit log's fixed test key (production reads AUDIT_LOG_KEYS; ./dev start generates one in .data).
    env: {
      AUDIT_LOG_KEYS: 'test-1:dGVzdCBrZXkgb2YgdGhlIGF1ZGl0IGxvZywgMzIgYnl0ZXMgb3IgbW9yZQ==',
      AUDIT_LOG_KEY_ID: 'test-1',
    },
    projects: [
      // Pure code: no PostgreSQL, no Temporal (`npm run test:unit` runs in seconds).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          // Once per run: a real PostgreSQL with a fresh migrated database and the Temporal test server.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
