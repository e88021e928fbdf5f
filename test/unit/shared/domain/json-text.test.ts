import { describe, expect, it } from 'vitest';
import { type JsonText, jsonPage, parseJsonText } from '../../../../src/shared/domain/json-text';

/** Issue 15: a page whose items PostgreSQL built as JSON is served without being parsed and serialised again. */
describe('JSON texts', () => {
  it('a page wraps its items as they are, beside its count and bounds', () => {
    const items =
      '[{"subject":"session","on":"2026-03-02","organisationName":"Centre \\"Alpha\\" — Lyon"}, \n {"subject":"agrement","on":null}]' as JsonText<
        Array<Record<string, unknown>>
      >;
    const page = jsonPage({ total: 12, limit: 2, offset: 4, items });
    expect(page).toContain(items);
    expect(parseJsonText(page)).toEqual({
      total: 12,
      limit: 2,
      offset: 4,
      items: [
        { subject: 'session', on: '2026-03-02', organisationName: 'Centre "Alpha" — Lyon' },
        { subject: 'agrement', on: null },
      ],
    });
  });

  it('an empty page is still valid JSON', () => {
    expect(parseJsonText(jsonPage({ total: 0, limit: 50, offset: 100, items: '[]' as JsonText<unknown[]> }))).toEqual({
      total: 0,
      limit: 50,
      offset: 100,
      items: [],
    });
  });
});
