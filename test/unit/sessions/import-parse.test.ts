import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvSessions, ndjsonSessions, type ParsedItem } from '../../../src/usecases/sessions/import/parse';

async function* linesOf(text: string) {
  for (const line of text.split(/\r?\n/)) yield line;
}
async function all(items: AsyncIterable<ParsedItem>) {
  const out: ParsedItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}
const header = (sep: string) => CSV_COLUMNS.join(sep);
const line = (sep: string, values: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) => CSV_COLUMNS.map((c) => values[c] ?? '').join(sep);

describe('session import readers (SES-1)', () => {
  it('groups consecutive lines of a session, tolerates a BOM and the comma separator, and keeps quoted separators and line breaks', async () => {
    const s1 = { session: 'S1', organisation: 'o', date: '2026-10-01', debut: '14:00', fin: '16:00', adresse: '"1 rue A, bât. ""B""\nesc. 2"', statut: 'planned', surveillants: 'Martin Jeanne' };
    const text = ['\uFEFF' + header(','), line(',', { ...s1, candidat: 'c1', personnel: 'non', facturation: 'free-candidate', competences: '8' }), line(',', { ...s1, candidat: 'c2', personnel: 'oui', facturation: 'free-candidate', competences: '6' }), line(',', { session: 'S2', candidat: 'x', personnel: 'peut-être' })].join('\n');
    const items = await all(csvSessions(linesOf(text)));
    // The quoted address spans two physical lines: S1 is lines 2–5, S2 line 6.
    expect(items.map((i) => [i.sessionId, i.lineFrom, i.lineTo])).toEqual([['S1', 2, 5], ['S2', 6, 6]]);
    const s1Report = items[0]!.raw as { address: string; candidates: Array<{ localId: string; staffOfCentre: boolean }> };
    expect(s1Report.address).toBe('1 rue A, bât. "B"\nesc. 2');
    expect(s1Report.candidates.map((c) => [c.localId, c.staffOfCentre])).toEqual([['c1', false], ['c2', true]]);
    expect(items[1]!.error).toEqual({ field: 'personnel', message: 'personnel must be oui or non' });
  });

  it('refuses a file without the expected columns, and a line with the wrong number of cells, naming the line', async () => {
    expect((await all(csvSessions(linesOf('session;date\nS1;2026-01-01'))))[0]!.error!.message).toMatch(/missing columns: organisation/);
    const items = await all(csvSessions(linesOf([header(';'), 'S1;o;2026-01-01'].join('\n'))));
    expect(items[0]).toMatchObject({ lineFrom: 2, error: { field: '(line)', message: `3 cells for ${CSV_COLUMNS.length} columns` } });
  });

  it('reads NDJSON line by line, naming the line of a malformed one', async () => {
    const items = await all(ndjsonSessions(linesOf('{"id":"A"}\n\n{oops}\n{"id":"B"}')));
    expect(items.map((i) => [i.lineFrom, i.sessionId ?? null, i.error?.field ?? null])).toEqual([[1, 'A', null], [3, null, '(line)'], [4, 'B', null]]);
  });
});
