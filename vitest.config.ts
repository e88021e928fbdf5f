import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild: NestJS and TypeORM need decorator metadata, which esbuild does not emit.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Generous: workflow tests wait on real activities, and CI's 2 cores may be busy.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    // Issue 12: the audit log's fixed test key (production reads AUDIT_LOG_KEYS; ./dev start generates one in .data).
    env: {
      AUDIT_LOG_KEYS: 'test-1:dGVzdCBrZXkgb2YgdGhlIGF1ZGl0IGxvZywgMzIgYnl0ZXMgb3IgbW9yZQ==',
      AUDIT_LOG_KEY_ID: 'test-1',
    },
  },
});
