import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateWebApiTypes, WEB_API_TYPES } from '../../../scripts/web-api-types';

/**
 * Issue 14: the web app calls the API through types generated from its OpenAPI document. The committed
 * web/src/api/schema.d.ts must be what the document gives today: a changed endpoint fails here (and the web
 * app's type-check then shows every screen it breaks), not in a user's browser.
 */
describe('the web app’s API types (issue 14)', () => {
  it('web/src/api/schema.d.ts is a fresh generation from the OpenAPI document (else run `npm run web:api-types`)', async () => {
    const fresh = await generateWebApiTypes();
    expect(fresh).toContain('"/me": {');
    expect(fresh).toContain('"/dashboard/deadlines": {');
    // Compared as a whole, but reported briefly: the first line that differs.
    const committed = readFileSync(WEB_API_TYPES, 'utf8');
    const [a, b] = [committed.split('\n'), fresh.split('\n')];
    const first = a.findIndex((line, i) => line !== b[i]);
    expect(first === -1 && a.length === b.length ? null : { line: first + 1, committed: a[first], fresh: b[first] }).toBeNull();
  });
});
