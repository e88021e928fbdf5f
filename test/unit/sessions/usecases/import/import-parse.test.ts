import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS,
  csvSessions,
  jsonArraySessions,
  linesOf as linesOfBytes,
  ndjsonSessions,
  type ParsedItem,
  sessionsOf,
} from '../../../../../src/sessions/usecases/import/parse';

async function* linesOf(text: string) {
  for (const line of text.split(/\r?\n/)) yield line;
}
async function all(items: AsyncIterable<ParsedItem>) {
  const out: ParsedItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}
const header = (sep: string) => CSV_COLUMNS.join(sep);
const line = (sep: string, values: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) =>
  CSV_COLUMNS.map((c) => values[c] ?? '').join(sep);

describe('session import readers (SES-1)', () => {
  it('groups consecutive lines of a session, tolerates a BOM and the comma separator, and keeps quoted separators and line breaks', async () => {
    const s1 = {
      session: 'S1',
      organisation: 'o',
      date: '2026-10-01',
      debut: '14:00',
      fin: '16:00',
      adresse: '"1 rue A, bât. ""B""\nesc. 2"',
      statut: 'planned',
      surveillants: 'Martin Jeanne',
    };
    const text = [
      '\uFEFF' + header(','),
      line(',', { ...s1, candidat: 'c1', personnel: 'non', facturation: 'free-candidate', competences: '8' }),
      line(',', { ...s1, candidat: 'c2', personnel: 'oui', facturation: 'free-candidate', competences: '6' }),
      line(',', { session: 'S2', candidat: 'x', personnel: 'peut-être' }),
    ].join('\n');
    const items = await all(csvSessions(linesOf(text)));
    // The quoted address spans two physical lines: S1 is lines 2–5, S2 line 6.
    expect(items.map((i) => [i.sessionId, i.lineFrom, i.lineTo])).toEqual([
      ['S1', 2, 5],
      ['S2', 6, 6],
    ]);
    const s1Report = items[0]!.raw as { address: string; candidates: Array<{ localId: string; staffOfCentre: boolean }> };
    expect(s1Report.address).toBe('1 rue A, bât. "B"\nesc. 2');
    expect(s1Report.candidates.map((c) => [c.localId, c.staffOfCentre])).toEqual([
      ['c1', false],
      ['c2', true],
    ]);
    expect(items[1]!.error).toEqual({ field: 'personnel', message: 'personnel must be oui or non' });
  });

  it('refuses a file without the expected columns, and a line with the wrong number of cells, naming the line', async () => {
    expect((await all(csvSessions(linesOf('session;date\nS1;2026-01-01'))))[0]!.error!.message).toMatch(/missing columns: organisation/);
    const items = await all(csvSessions(linesOf([header(';'), 'S1;o;2026-01-01'].join('\n'))));
    expect(items[0]).toMatchObject({ lineFrom: 2, error: { field: '(line)', message: `3 cells for ${CSV_COLUMNS.length} columns` } });
  });

  it('reads NDJSON line by line, naming the line of a malformed one', async () => {
    const items = await all(ndjsonSessions(linesOf('{"id":"A"}\n\n{oops}\n{"id":"B"}')));
    expect(items.map((i) => [i.lineFrom, i.sessionId ?? null, i.error?.field ?? null])).toEqual([
      [1, 'A', null],
      [3, null, '(line)'],
      [4, 'B', null],
    ]);
  });
});

describe('JSON array import read as a stream (SES-1: a 100,000-session array never sits in memory whole)', () => {
  async function read(chunks: string[]): Promise<ParsedItem[]> {
    const out: ParsedItem[] = [];
    for await (const item of jsonArraySessions(chunks)) out.push(item);
    return out;
  }
  /** The same text cut into chunks of `size` characters. */
  const cut = (text: string, size: number) =>
    Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

  const tricky = [
    { id: 'S-1', room: 'Salle "B" ] } [ {', address: 'C:\\dossier\\', note: 'café \u00e9\u00e8 — \ud83d\ude00' },
    { id: 'S-2', invigilators: [{ lastName: 'Martin', ids: [[1, 2], [3]] }], nested: { a: { b: [] } } },
    42,
    'S-3',
    null,
    { id: 'S-4', escaped: '\\"\\\\\\u00e9' },
  ];
  const text = `\uFEFF [\n  ${tricky.map((t) => JSON.stringify(t)).join(' ,\r\n')}\n]\n`;

  it('yields each element with its number, whatever the chunk boundaries (every cut, and one character at a time)', async () => {
    const whole = await read([text]);
    expect(whole.map((i) => i.raw)).toEqual(tricky);
    expect(whole.map((i) => [i.lineFrom, i.sessionId])).toEqual([
      [1, 'S-1'],
      [2, 'S-2'],
      [3, null],
      [4, null],
      [5, null],
      [6, 'S-4'],
    ]);
    expect(await read(cut(text, 1))).toEqual(whole);
    for (let at = 1; at < text.length; at++) expect(await read([text.slice(0, at), text.slice(at)])).toEqual(whole);
    for (const size of [2, 3, 7, 16]) expect(await read(cut(text, size))).toEqual(whole);
  });

  it('decodes UTF-8 bytes split across chunks', async () => {
    const bytes = Buffer.from(JSON.stringify([{ id: 'S-é', room: 'Salle à côté' }]), 'utf8');
    const chunks = Array.from(bytes, (b) => Buffer.from([b]));
    const out: ParsedItem[] = [];
    for await (const item of jsonArraySessions(chunks)) out.push(item);
    // Issue 15: the element's text comes along, stored as it came.
    const json = JSON.stringify({ id: 'S-é', room: 'Salle à côté' });
    expect(out).toEqual([{ lineFrom: 1, lineTo: 1, raw: { id: 'S-é', room: 'Salle à côté' }, json, sessionId: 'S-é' }]);
  });

  it('an empty array yields nothing; a file that is not an array is refused as a whole', async () => {
    expect(await read(['[', ' ', ']'])).toEqual([]);
    for (const bad of ['{"id":"S-1"}', '', '   ', '"sessions"']) {
      expect(await read([bad])).toEqual([
        { lineFrom: 1, lineTo: 1, error: { field: '(file)', message: 'a JSON import is an array of sessions' } },
      ]);
    }
  });

  it('an element that is not valid JSON is refused with its number, and the next ones are read', async () => {
    const out = await read(['[{"id":"S-1"}, {"id": }, {"id":"S-3"}, tru, 7]']);
    expect(out.map((i) => [i.lineFrom, i.sessionId ?? null, i.error?.field ?? null])).toEqual([
      [1, 'S-1', null],
      [2, null, '(item)'],
      [3, 'S-3', null],
      [4, null, '(item)'],
      [5, null, null],
    ]);
    expect(out[1]!.error!.message).toMatch(/^not valid JSON: /);
  });

  it('a fault in the array itself ends the reading with one refusal; the items before it are kept', async () => {
    const last = async (t: string) => {
      const out = await read(cut(t, 3));
      return { kept: out.filter((i) => !i.error).map((i) => i.sessionId), fault: out.at(-1)!.error };
    };
    expect(await last('[{"id":"S-1"}, {"id":"S-2"}')).toEqual({
      kept: ['S-1', 'S-2'],
      fault: { field: '(file)', message: 'not valid JSON: unterminated array after item 2' },
    });
    expect(await last('[{"id":"S-1"}, {"id":"S-2')).toEqual({
      kept: ['S-1'],
      fault: { field: '(file)', message: 'not valid JSON: unterminated array after item 1' },
    });
    expect(await last('[{"id":"S-1"}] {"id":"S-2"}')).toEqual({
      kept: ['S-1'],
      fault: { field: '(file)', message: "not valid JSON: unexpected text after the closing ']' (after item 1)" },
    });
    expect(await last('[{"id":"S-1"} {"id":"S-2"}]')).toEqual({
      kept: ['S-1'],
      fault: { field: '(file)', message: "not valid JSON: expected ',' or ']' after item 1, found '{'" },
    });
    expect(await last('[{"id":"S-1"},]')).toEqual({
      kept: ['S-1'],
      fault: { field: '(file)', message: "not valid JSON: unexpected ']' after item 1" },
    });
    expect(await last('[,{"id":"S-1"}]')).toEqual({
      kept: [],
      fault: { field: '(file)', message: "not valid JSON: unexpected ',' after item 0" },
    });
  });
});

describe('a spooled upload read back in parts (issue 11: a resumed import re-reads its file and skips what it committed)', () => {
  async function* partsOf(bytes: Buffer, cuts: number[]) {
    let from = 0;
    for (const to of [...cuts, bytes.length]) {
      yield bytes.subarray(from, to);
      from = to;
    }
  }
  const seen = (items: ParsedItem[]) => items.map((i) => [i.lineFrom, i.lineTo, i.sessionId ?? null, i.error?.field ?? null]);

  it('yields the same sessions, lines and refusals wherever the parts are cut (inside a multi-byte character, a CRLF, a quoted line break)', async () => {
    const s1 = {
      session: 'S1',
      organisation: 'o',
      date: '2026-10-01',
      adresse: '"Bâtiment « Érable »\r\nescalier 2"',
      surveillants: 'Lefèvre Zoé',
      statut: 'planned',
    };
    const csv = Buffer.from(
      [
        '\uFEFF' + header(';'),
        line(';', { ...s1, candidat: 'c1', nom: 'Ærø', personnel: 'non' }),
        line(';', { ...s1, candidat: 'c2', nom: 'Noël', personnel: 'non' }),
        line(';', { session: 'S2', candidat: 'x', personnel: 'peut-être' }),
        '',
      ].join('\r\n'),
      'utf8',
    );
    const ndjson = Buffer.from('{"id":"É1","room":"Salle ①"}\r\n\r\n{oops « »}\n{"id":"É2"}', 'utf8');
    const json = Buffer.from('\uFEFF[{"id":"Ω1","room":"à"}, 7, {"id":"Ω2"}]', 'utf8');
    for (const [format, bytes] of [
      ['csv', csv],
      ['ndjson', ndjson],
      ['json', json],
    ] as const) {
      const whole = await all(sessionsOf(format, partsOf(bytes, [])));
      expect(whole.length).toBeGreaterThan(1);
      for (let cut = 1; cut < bytes.length; cut++) {
        expect(seen(await all(sessionsOf(format, partsOf(bytes, [cut]))))).toEqual(seen(whole));
      }
      // Byte by byte: every character straddles parts.
      const bytewise = await all(
        sessionsOf(
          format,
          partsOf(
            bytes,
            Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
          ),
        ),
      );
      expect(bytewise.map((i) => i.raw)).toEqual(whole.map((i) => i.raw));
    }
    const csvItems = await all(sessionsOf('csv', partsOf(csv, [])));
    expect(seen(csvItems)).toEqual([
      [2, 5, 'S1', null],
      [6, 6, 'S2', 'personnel'],
    ]);
    expect((csvItems[0]!.raw as { address: string; candidates: Array<{ lastName: string }> }).candidates.map((c) => c.lastName)).toEqual([
      'Ærø',
      'Noël',
    ]);
    expect(seen(await all(sessionsOf('ndjson', partsOf(ndjson, []))))).toEqual([
      [1, 1, 'É1', null],
      [3, 3, null, '(line)'],
      [4, 4, 'É2', null],
    ]);
  });

  it('stops reading the parts when the reader stops early (an import stopping between two chunks)', async () => {
    let pulled = 0;
    async function* endless() {
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield Buffer.from(`{"id":"S${i}"}\n`);
      }
    }
    let n = 0;
    for await (const _ of sessionsOf('ndjson', endless())) if (++n === 3) break;
    const after = pulled;
    // A stream left flowing would go on pulling parts on the next turns of the event loop.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(pulled).toBe(after);
    expect(pulled).toBeLessThan(100);
  });
});

describe('linesOf (issue 15: the import reads its lines without node:readline)', () => {
  /** What node:readline gives for the same bytes, as the import read them before. */
  async function readlineLines(parts: Buffer[]) {
    const input = Readable.from(parts, { objectMode: false });
    input.setEncoding('utf8');
    const out: string[] = [];
    for await (const l of createInterface({ input, crlfDelay: Infinity })) out.push(l);
    return out;
  }
  async function collect(parts: Buffer[]) {
    async function* source() {
      yield* parts;
    }
    const out: string[] = [];
    for await (const l of linesOfBytes(source())) out.push(l);
    return out;
  }
  /** A deterministic pseudo-random generator: every run tests the same texts and cuts. */
  function random(seed: number) {
    let x = seed;
    return (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
  }

  it('gives the lines readline gives, for every line break (\\n, \\r\\n, a lone \\r), multi-byte characters and any cut', async () => {
    const pieces = ['a', 'é', '①', '😀', '{"id":"x"}', '\n', '\r\n', '\r', ' ', '\r\r', '\n\r'];
    const next = random(42);
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: next(30) }, () => pieces[next(pieces.length)]).join('');
      const bytes = Buffer.from(text, 'utf8');
      const cuts = [...new Set(Array.from({ length: next(6) }, () => next(bytes.length + 1)))].sort((a, b) => a - b);
      const parts: Buffer[] = [];
      let from = 0;
      for (const to of [...cuts, bytes.length]) {
        parts.push(bytes.subarray(from, to));
        from = to;
      }
      expect(await collect(parts), JSON.stringify({ text, cuts })).toEqual(await readlineLines(parts));
    }
  });

  it('ends without an empty line after a final break, and gives a last line without one', async () => {
    expect(await collect([Buffer.from('a\nb\n')])).toEqual(['a', 'b']);
    expect(await collect([Buffer.from('a\r'), Buffer.from('\nb')])).toEqual(['a', 'b']);
    expect(await collect([Buffer.from('a\r')])).toEqual(['a']);
    expect(await collect([Buffer.from('\n\n')])).toEqual(['', '']);
    expect(await collect([])).toEqual([]);
  });
});
