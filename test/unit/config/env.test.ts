import { describe, expect, it } from 'vitest';
import { parseOrigins } from '../../../src/config/env';

describe('CORS_ALLOWED_ORIGINS (issue 12)', () => {
  it('absent or empty: no other origin (same origin only)', () => {
    expect(parseOrigins(undefined)).toEqual([]);
    expect(parseOrigins('  ')).toEqual([]);
  });

  it('a comma-separated list of exact origins', () => {
    expect(parseOrigins('https://ops.pix.fr, http://localhost:5173')).toEqual(['https://ops.pix.fr', 'http://localhost:5173']);
  });

  it.each(['*', 'https://ops.pix.fr/', 'https://ops.pix.fr/path', 'ops.pix.fr', 'ftp://ops.pix.fr', 'https://user@ops.pix.fr'])('refuses %s: not an origin', (raw) => {
    expect(() => parseOrigins(raw)).toThrow(/CORS_ALLOWED_ORIGINS/);
  });
});
