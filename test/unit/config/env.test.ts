import { afterEach, describe, expect, it, vi } from 'vitest';
import { byteLimit, loadConfig, parseOrigins } from '../../../src/config/env';
import { ConfigurationRefused } from '../../../src/config/env-values';

describe('CORS_ALLOWED_ORIGINS (issue 12)', () => {
  it('absent or empty: no other origin (same origin only)', () => {
    expect(parseOrigins(undefined)).toEqual([]);
    expect(parseOrigins('  ')).toEqual([]);
  });

  it('a comma-separated list of exact origins', () => {
    expect(parseOrigins('https://ops.pix.fr, http://localhost:5173')).toEqual(['https://ops.pix.fr', 'http://localhost:5173']);
  });

  it.each(['*', 'https://ops.pix.fr/', 'https://ops.pix.fr/path', 'ops.pix.fr', 'ftp://ops.pix.fr', 'https://user@ops.pix.fr'])(
    'refuses %s: not an origin',
    (raw) => {
      expect(() => parseOrigins(raw)).toThrow(/CORS_ALLOWED_ORIGINS/);
    },
  );
});

describe('issue 12: bulk import limits from the environment', () => {
  it('IMPORT_MAX_BYTES and IMPORT_MAX_LINE_BYTES override the parameters; anything but a positive whole number is refused', () => {
    expect(byteLimit('IMPORT_MAX_BYTES', undefined, 10)).toBe(10);
    expect(byteLimit('IMPORT_MAX_BYTES', ' ', 10)).toBe(10);
    expect(byteLimit('IMPORT_MAX_LINE_BYTES', '65536', 10)).toBe(65536);
    for (const bad of ['0', '-1', '1.5', '64k', 'abc'])
      expect(() => byteLimit('IMPORT_MAX_LINE_BYTES', bad, 10), bad).toThrow(
        /IMPORT_MAX_LINE_BYTES must be a whole number of bytes from 1/,
      );
  });
});

describe('issue 15: the configuration refused at start', () => {
  afterEach(() => void vi.unstubAllEnvs());

  it('names every refused setting at once, the topology first, and none that is right', () => {
    vi.stubEnv('ROLE', 'worker');
    vi.stubEnv('TEMPORAL_ADDRESS', 'temporal:7233');
    vi.stubEnv('APP_DATABASE_URL', 'notaurl');
    vi.stubEnv('AUDIT_LOG_KEYS', `k1:${Buffer.alloc(32, 7).toString('base64')}`);
    vi.stubEnv('AUDIT_LOG_KEY_ID', 'k1');
    vi.stubEnv('SMTP_URL', 'smtp.example.org:25');
    vi.stubEnv('DATABASE_POOL_SIZE', '1');
    vi.stubEnv('PORT', '99999');
    vi.stubEnv('SEED_DEMO', 'maybe');
    let refused: unknown;
    try {
      loadConfig();
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ConfigurationRefused);
    expect((refused as ConfigurationRefused).problems.map((p) => p.split(' ')[0])).toEqual([
      'DATABASE_POOL_SIZE',
      'PORT',
      'SMTP_URL',
      'SEED_DEMO',
      'APP_DATABASE_URL',
    ]);
  });

  it('reads a valid environment as before', () => {
    vi.stubEnv('APP_DATABASE_URL', 'postgres://app:pw@db:5432/pix');
    vi.stubEnv('SMTP_URL', 'smtp://mail:25');
    vi.stubEnv('OPERATIONS_EMAIL', 'ops@pix.test');
    expect(loadConfig()).toMatchObject({
      appDatabaseUrl: 'postgres://app:pw@db:5432/pix',
      smtpUrl: 'smtp://mail:25',
      operationsEmail: 'ops@pix.test',
      legalEmail: 'juridique@pix.fr',
    });
  });
});
