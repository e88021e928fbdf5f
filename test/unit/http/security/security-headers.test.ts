import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../../../src/http/security/http-headers';

describe('issue 12, issue 15: security headers recorded once from helmet', () => {
  it('records every header helmet sets, the CSP built from the directives given', () => {
    const headers = new Map(securityHeaders({ defaultSrc: ["'none'"], frameAncestors: ["'none'"] }));
    expect([...headers.keys()].sort()).toEqual(
      [
        'Content-Security-Policy',
        'Cross-Origin-Opener-Policy',
        'Cross-Origin-Resource-Policy',
        'Origin-Agent-Cluster',
        'Referrer-Policy',
        'Strict-Transport-Security',
        'X-Content-Type-Options',
        'X-DNS-Prefetch-Control',
        'X-Download-Options',
        'X-Frame-Options',
        'X-Permitted-Cross-Domain-Policies',
        'X-XSS-Protection',
      ].sort(),
    );
    expect(headers.get('Content-Security-Policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(headers.get('X-Frame-Options')).toBe('DENY');
    expect(headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('refuses directives helmet rejects, at start rather than on every answer', () => {
    expect(() => securityHeaders({ defaultSrc: ["'self';"] })).toThrow();
  });
});
