import { describe, expect, it } from 'vitest';
import { byteLimit, parseOrigins } from '../../../src/config/env';

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
