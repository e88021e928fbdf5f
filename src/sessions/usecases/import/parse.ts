/**
 * Streaming readers of session files (bulk import, SES-1): each yields one session at a time with the
 * physical lines it came from, so a 100,000-session file never sits in memory and every refusal can
 * name its lines. Pure (no I/O beyond the async iterable of lines they are given).
 */
import { StringDecoder } from 'node:string_decoder';

export interface ParsedItem {
  lineFrom: number;
  lineTo: number;
  /** The session report to judge, or why the lines could not even be read as one. */
  raw?: unknown;
  /** The JSON text `raw` was parsed from (NDJSON and JSON imports): stored as it came, not written again (issue 15). */
  json?: string;
  error?: { field: string; message: string };
  sessionId?: string | null;
}

/**
 * The sessions of a file of `format` read from its bytes, however they are cut (a spooled upload's
 * parts): a multi-byte character or a line may straddle two chunks. The same bytes always yield the same
 * items in the same order, which is what lets an interrupted import skip the ones it has committed.
 */
export async function* sessionsOf(format: 'csv' | 'json' | 'ndjson', bytes: AsyncIterable<Buffer>): AsyncGenerator<ParsedItem> {
  if (format === 'json') return yield* jsonArraySessions(bytes);
  // A reader that stops early (an import stopping) stops the bytes too (linesOf's loop ends): the rest is not read for nothing.
  yield* format === 'csv' ? csvSessions(linesOf(bytes)) : ndjsonSessions(linesOf(bytes));
}

/** A line break as node:readline reads one: \r\n, \n, or a \r alone. */
const LINE_BREAK = /\r\n|\n|\r/;

/**
 * The lines of UTF-8 bytes, however they are cut, as node:readline gives them (crlfDelay: Infinity): split on \r\n, \n
 * or a lone \r, the last line given even without a break, no empty line after a final break. Each part is split at
 * once instead of character by character through readline's events and stream (issue 15, bench:import: readline and its
 * stream took 5 % of the import's main thread). Tested against readline on random texts and cuts.
 */
export async function* linesOf(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8'); // a multi-byte character may straddle two parts
  let carry = '';
  for await (const part of bytes) {
    const text = carry + decoder.write(part);
    // A \r ending the part may be the first half of a \r\n: kept for the next one.
    const end = text.endsWith('\r') ? text.length - 1 : text.length;
    const lines = text.slice(0, end).split(LINE_BREAK);
    carry = lines.pop()! + text.slice(end);
    for (const line of lines) yield line;
  }
  const lines = (carry + decoder.end()).split(LINE_BREAK);
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) yield line;
}

/** NDJSON: one session report per line; blank lines are skipped. */
export async function* ndjsonSessions(lines: AsyncIterable<string>): AsyncGenerator<ParsedItem> {
  let n = 0;
  for await (const line of lines) {
    n++;
    const text = n === 1 ? line.replace(/^\uFEFF/, '') : line;
    if (text.trim() === '') continue;
    try {
      const raw = JSON.parse(text) as unknown;
      yield { lineFrom: n, lineTo: n, raw, json: text, sessionId: idOf(raw) };
    } catch (err) {
      yield { lineFrom: n, lineTo: n, error: { field: '(line)', message: `not valid JSON: ${(err as Error).message}` } };
    }
  }
}

/**
 * A JSON array of session reports, read as a stream: a small scanner (nesting depth, strings, escapes)
 * cuts each element out of the text and parses it alone, so memory holds one session at a time, not
 * the file. Items are numbered from 1 as their "line". An element that is not valid JSON is refused and
 * the next one read; a fault in the array itself (unterminated, missing comma, text after the closing
 * bracket) ends the reading with one refusal, the items before it kept.
 */
export async function* jsonArraySessions(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncGenerator<ParsedItem> {
  const decoder = new StringDecoder('utf8'); // a multi-byte character may straddle two chunks
  type State = 'start' | 'before-item' | 'item' | 'after-item' | 'end';
  let state: State = 'start';
  let buf = '';
  let itemStart = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let afterComma = false;
  let n = 0;
  let bom = true;
  /** Where scanning resumes in an item carried over from the previous chunk. */
  let scanFrom = 0;
  const fault = (message: string): ParsedItem => ({
    lineFrom: Math.max(n, 1),
    lineTo: Math.max(n, 1),
    error: { field: '(file)', message },
  });
  const item = (text: string): ParsedItem => {
    n++;
    try {
      const raw = JSON.parse(text) as unknown;
      return { lineFrom: n, lineTo: n, raw, json: text, sessionId: idOf(raw) };
    } catch (err) {
      return { lineFrom: n, lineTo: n, error: { field: '(item)', message: `not valid JSON: ${(err as Error).message}` } };
    }
  };
  const isSpace = (ch: string) => ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';

  for await (const chunk of chunks) {
    buf += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (bom) {
      if (buf.length === 0) continue;
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
      bom = false;
    }
    let pos = state === 'item' ? scanFrom : 0;
    for (; pos < buf.length; pos++) {
      const ch = buf[pos]!;
      switch (state) {
        case 'start':
          if (isSpace(ch)) continue;
          if (ch !== '[') {
            yield fault('a JSON import is an array of sessions');
            return;
          }
          state = 'before-item';
          afterComma = false;
          continue;
        case 'before-item':
          if (isSpace(ch)) continue;
          if (ch === ']' && !afterComma) {
            state = 'end';
            continue;
          }
          if (ch === ']' || ch === ',') {
            yield fault(`not valid JSON: unexpected '${ch}' after item ${n}`);
            return;
          }
          state = 'item';
          itemStart = pos;
          depth = 0;
          inString = false;
          escaped = false;
          pos--; // read this character as the item's first
          continue;
        case 'item': {
          if (inString) {
            if (escaped) escaped = false;
            else if (ch === '\\') escaped = true;
            else if (ch === '"') inString = false;
            continue;
          }
          if (ch === '"') {
            inString = true;
            continue;
          }
          if (ch === '{' || ch === '[') {
            depth++;
            continue;
          }
          const closing = ch === '}' || ch === ']';
          if (closing && depth > 1) {
            depth--;
            continue;
          }
          if (closing && depth === 1) {
            depth = 0;
            yield item(buf.slice(itemStart, pos + 1));
            state = 'after-item';
            continue;
          }
          if (depth === 0 && (closing || ch === ',' || isSpace(ch))) {
            // The end of a bare value (a number, true, null…): read again as what follows the item.
            yield item(buf.slice(itemStart, pos));
            state = 'after-item';
            pos--;
          }
          continue;
        }
        case 'after-item':
          if (isSpace(ch)) continue;
          if (ch === ',') {
            state = 'before-item';
            afterComma = true;
            continue;
          }
          if (ch === ']') {
            state = 'end';
            continue;
          }
          yield fault(`not valid JSON: expected ',' or ']' after item ${n}, found '${ch}'`);
          return;
        case 'end':
          if (isSpace(ch)) continue;
          yield fault(`not valid JSON: unexpected text after the closing ']' (after item ${n})`);
          return;
      }
    }
    // Keep only the item being read, if any: the rest is consumed.
    if (state === 'item') {
      scanFrom = buf.length - itemStart;
      buf = buf.slice(itemStart);
      itemStart = 0;
    } else buf = '';
  }
  const last = state as State; // assigned in the loop above
  if (last === 'start') yield fault('a JSON import is an array of sessions');
  else if (last !== 'end') yield fault(`not valid JSON: unterminated array after item ${n}`);
}

function idOf(raw: unknown): string | null {
  return raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
}

/**
 * CSV columns (French headers, `;` or `,` separated, RFC 4180 quotes): one line per candidate, the
 * session's columns repeated; consecutive lines with the same `session` form one session. See
 * docs/session-import.md.
 */
export const CSV_COLUMNS = [
  'session',
  'organisation',
  'date',
  'debut',
  'fin',
  'fuseau',
  'adresse',
  'salle',
  'lieu_tiers',
  'public',
  'planifiee_le',
  'ordinateurs_secours',
  'minimum_candidats',
  'surveillants',
  'statut',
  'finalisee_le',
  'presents',
  'motif_annulation',
  'candidat',
  'nom',
  'prenom',
  'naissance',
  'lieu_naissance',
  'tiers_temps',
  'personnel',
  'facturation',
  'prix_convenu',
  'motif_gratuite',
  'competences',
  'session_precedente',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const SESSION_COLUMNS: readonly Column[] = CSV_COLUMNS.slice(0, CSV_COLUMNS.indexOf('candidat'));

/** Splits one CSV record; `carry` holds an unterminated quoted field spanning lines. */
function splitRecord(line: string, sep: string): { cells: string[]; open: boolean } {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return { cells, open: quoted };
}

export async function* csvSessions(lines: AsyncIterable<string>): AsyncGenerator<ParsedItem> {
  let n = 0;
  let header: string[] | null = null;
  let sep = ';';
  let pending: { from: number; to: number; rows: Array<Record<string, string>>; id: string } | null = null;
  let partial: { text: string; from: number } | null = null;

  const flush = function* (): Generator<ParsedItem> {
    if (!pending) return;
    const p = pending;
    pending = null;
    try {
      yield { lineFrom: p.from, lineTo: p.to, raw: reportOf(p.rows), sessionId: p.id };
    } catch (err) {
      const e = err as { field?: string; message: string };
      yield { lineFrom: p.from, lineTo: p.to, sessionId: p.id, error: { field: e.field ?? '(line)', message: e.message } };
    }
  };

  for await (const physical of lines) {
    n++;
    let text = n === 1 ? physical.replace(/^\uFEFF/, '') : physical;
    let from = n;
    if (partial) {
      text = `${partial.text}\n${text}`;
      from = partial.from;
      partial = null;
    }
    if (!header) {
      sep = (text.match(/;/g)?.length ?? 0) >= (text.match(/,/g)?.length ?? 0) ? ';' : ',';
      header = splitRecord(text, sep).cells.map((c) => c.trim().toLowerCase());
      const missing = CSV_COLUMNS.filter((c) => !header!.includes(c));
      if (missing.length > 0) {
        yield { lineFrom: 1, lineTo: 1, error: { field: '(header)', message: `missing columns: ${missing.join(', ')}` } };
        return;
      }
      continue;
    }
    if (text.trim() === '') continue;
    const { cells, open } = splitRecord(text, sep);
    if (open) {
      partial = { text, from };
      continue;
    }
    if (cells.length !== header.length) {
      yield* flush();
      yield { lineFrom: from, lineTo: n, error: { field: '(line)', message: `${cells.length} cells for ${header.length} columns` } };
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]!.trim()]));
    const id = row.session ?? '';
    if (pending && pending.id === id) {
      pending.rows.push(row);
      pending.to = n;
    } else {
      yield* flush();
      pending = { from, to: n, rows: [row], id };
    }
  }
  if (partial) yield { lineFrom: partial.from, lineTo: n, error: { field: '(line)', message: 'unterminated quoted field' } };
  yield* flush();
}

class CellError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const nullable = (v: string | undefined) => (v === undefined || v === '' ? null : v);
const bool = (v: string | undefined, field: string) => {
  const s = (v ?? '').toLowerCase();
  if (['oui', 'o', 'true', '1', 'yes'].includes(s)) return true;
  if (['non', 'n', 'false', '0', 'no', ''].includes(s)) return false;
  throw new CellError(field, `${field} must be oui or non`);
};
const number = (v: string | undefined, field: string): number | null => {
  if (v === undefined || v === '') return null;
  const n = Number(v.replace(',', '.'));
  if (!Number.isFinite(n)) throw new CellError(field, `${field} must be a number`);
  return n;
};

/** One session report from its CSV lines (the session's columns are read from the first line). */
function reportOf(rows: Array<Record<string, string>>): unknown {
  const s = rows[0]!;
  for (const [i, row] of rows.entries()) {
    for (const c of SESSION_COLUMNS) {
      if (row[c] !== s[c]) throw new CellError(c, `${c} differs between the lines of session ${s.session} (line ${i + 1} of the session)`);
    }
  }
  const invigilators = (s.surveillants ?? '')
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const referent = /\(r[ée]f[ée]rent\)$/i.test(x);
      const name = x.replace(/\(r[ée]f[ée]rent\)$/i, '').trim();
      const [lastName, ...first] = name.split(/\s+/);
      return { lastName: lastName ?? '', firstName: first.join(' '), referent };
    });
  const status = s.statut || 'planned';
  // A line names a candidate by local id or by name; DATA-1: blank optional cells are left out (session-report.ts).
  const candidates = rows
    .filter((r) => r.candidat !== '' || r.nom !== '')
    .map((r) => {
      const mode = r.facturation;
      const billing =
        mode === 'funded-cohort'
          ? { mode, agreedPriceEur: number(r.prix_convenu, 'prix_convenu') }
          : mode === 'free-of-charge'
            ? { mode, reason: nullable(r.motif_gratuite) }
            : { mode };
      const competences = number(r.competences, 'competences');
      return {
        ...(r.candidat ? { localId: r.candidat } : {}),
        lastName: r.nom,
        firstName: r.prenom,
        birthDate: r.naissance,
        ...(r.lieu_naissance ? { birthPlace: r.lieu_naissance } : {}),
        extraTimePercent: number(r.tiers_temps, 'tiers_temps') ?? 0,
        staffOfCentre: bool(r.personnel, 'personnel'),
        ...(mode ? { billing } : {}),
        ...(competences === null ? {} : { certifiableCompetences: competences }),
        previousSessionDate: nullable(r.session_precedente),
      };
    });
  return {
    id: s.session,
    organisationId: s.organisation,
    date: s.date,
    startTime: s.debut,
    endTime: s.fin,
    timeZone: s.fuseau || 'Europe/Paris',
    address: s.adresse,
    room: s.salle,
    thirdPartyVenue: Boolean(s.lieu_tiers),
    thirdPartyVenueDetails: nullable(s.lieu_tiers),
    invigilators,
    public: s.public,
    plannedOn: s.planifiee_le,
    publicInformation: null,
    minimumCandidates: number(s.minimum_candidats, 'minimum_candidats'),
    confirmation: null,
    spareComputers: number(s.ordinateurs_secours, 'ordinateurs_secours') ?? 0,
    candidates,
    status,
    ...(status === 'cancelled' ? { cancellation: { reason: s.motif_annulation } } : {}),
    ...(status === 'finalised'
      ? {
          finalisation: {
            finalisedAt: s.finalisee_le,
            candidatesWhoSat: number(s.presents, 'presents'),
            incidents: [],
            fraudReports: [],
            endOfTestChecks: [],
          },
        }
      : {}),
  };
}
