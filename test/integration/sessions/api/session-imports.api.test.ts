import { describe, expect, it } from 'vitest';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { CSV_COLUMNS } from '../../../../src/sessions/usecases/import/parse';
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { PARAMETERS } from '../../../../src/config/parameters';
import { createImport, resumeStalledImports } from '../../../../src/sessions/usecases/import/run-import';
import { spoolUpload } from '../../../../src/sessions/usecases/import/spool';
import { agrementStateQuery } from '../../../../src/agrement/workflows/definitions';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { bearer } from '../../../support/auth';
import { serveApi, type Harness, useApi } from '../../../support/harness';
import { sessionReport } from '../../../support/session-fixtures';
import { documentComplaints } from '../../../support/openapi-schema';
import { until } from '../../../support/waiting';

let h: Harness;
let api: string;
let ops: string;
useApi((served) => ({ h, api, ops } = served));

const daysAgo = (n: number) => dateIn(new Date(Date.now() - n * 86_400_000), 'Europe/Paris');

const centre = () => runningAgrement(h, daysAgo(60));

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string>>;
const cell = (v: string) => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: Row[]) =>
  [CSV_COLUMNS.join(';'), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c] ?? '')).join(';'))].join('\r\n') + '\r\n';

/** The lines of one session: its columns repeated on each candidate's line. */
function sessionLines(session: Row, candidates: number, candidate: (i: number) => Row = () => ({})): Row[] {
  return Array.from({ length: candidates }, (_, i) => ({
    ...session,
    candidat: `c${i}`,
    nom: `Nom${i}`,
    prenom: `Prénom${i}`,
    naissance: '2001-04-02',
    tiers_temps: '0',
    personnel: 'non',
    facturation: 'free-candidate',
    competences: '8',
    ...candidate(i),
  }));
}

async function upload(body: string, type: string) {
  const res = await fetch(`${api}/session-imports?fileName=historique.csv`, {
    method: 'POST',
    headers: { 'content-type': type, ...bearer(ops) },
    body,
  });
  return { status: res.status, location: res.headers.get('location'), body: (await res.json()) as { id: string; status: string } };
}

async function finished(id: string) {
  return until(
    async () => (await (await fetch(`${api}/session-imports/${id}`, { headers: bearer(ops) })).json()) as Record<string, unknown>,
    (job) => job.status !== 'running',
    60_000,
  );
}

describe('bulk import of sessions (SES-1, QUO-3)', () => {
  it('imports the good sessions of a CSV file, reports the bad ones with their lines and reasons, and a re-import changes nothing', async () => {
    const c = await centre();
    const base = (id: string, date: string): Row => ({
      session: id,
      organisation: c.organisationId,
      date,
      debut: '14:00',
      fin: '16:00',
      fuseau: 'Europe/Paris',
      adresse: '12 rue des Écoles; bâtiment "B"',
      salle: 'B12',
      public: 'external-private',
      planifiee_le: daysAgo(55),
      ordinateurs_secours: '1',
      surveillants: 'Martin Jeanne (référent)|Durand Paul',
    });
    const tag = c.organisationId.slice(0, 8);
    const finalised = (id: string, n: number, sat: number): Row => ({
      ...base(id, daysAgo(n)),
      statut: 'finalised',
      finalisee_le: new Date(Date.now() - (n - 1) * 86_400_000).toISOString(),
      presents: String(sat),
    });
    const rows = [
      ...sessionLines(finalised(`${tag}-A`, 30, 3), 3), // lines 2–4: good
      ...sessionLines(base(`${tag}-B`, daysAgo(29)), 2, (i) => (i === 1 ? { naissance: '02/04/2001' } : {})), // lines 5–6: bad birth date
      ...sessionLines({ ...finalised(`${tag}-C`, 28, 21), ordinateurs_secours: '0', surveillants: 'Martin Jeanne' }, 21), // lines 7–27: SES-2 (21 for one invigilator), SES-3
      ...sessionLines(finalised(`${tag}-D`, 27, 4), 4), // lines 28–31: good
    ];
    const file = csv(rows);
    const first = await upload(file, 'text/csv');
    expect(first.status).toBe(202);
    expect(first.location).toBe(`/session-imports/${first.body.id}`);
    const job = await finished(first.body.id);
    expect(job).toMatchObject({
      status: 'completed',
      sessionsRead: 4,
      processed: 4,
      total: 4,
      percent: 100,
      created: 2,
      updated: 0,
      unchanged: 0,
      refused: 2,
      linesDone: 31,
      attempts: 1,
      resumedAt: null,
    });
    // Issue 11: the upload was spooled in PostgreSQL; the job's end removed it.
    expect((await h.db.query(`SELECT count(*)::int AS n FROM session_import_spool WHERE import_id = $1`, [first.body.id]))[0].n).toBe(0);
    const errors = (await (await fetch(`${api}/session-imports/${first.body.id}/errors`, { headers: bearer(ops) })).json()) as {
      items: Array<Record<string, unknown>>;
    };
    expect(errors.items).toEqual([
      expect.objectContaining({ line: 5, lineTo: 6, sessionId: `${tag}-B`, field: 'candidates.1.birthDate' }),
      expect.objectContaining({ line: 7, lineTo: 27, sessionId: `${tag}-C`, ruleIds: ['SES-2', 'SES-3'] }),
    ]);
    const a = (await (await fetch(`${api}/sessions/${tag}-A`, { headers: bearer(ops) })).json()) as {
      status: string;
      candidatesWhoSat: number;
      report: { address: string; invigilators: unknown[] };
    };
    expect(a).toMatchObject({ status: 'finalised', candidatesWhoSat: 3 });
    expect(a.report.address).toBe('12 rue des Écoles; bâtiment "B"');
    expect(a.report.invigilators).toEqual([
      { lastName: 'Martin', firstName: 'Jeanne', referent: true },
      { lastName: 'Durand', firstName: 'Paul', referent: false },
    ]);
    // QUO-3: the two finalised sessions count once each.
    await until(
      () => c.handle.query(agrementStateQuery),
      (a) => a.quota.candidates === 7,
    );
    expect((await c.handle.query(agrementStateQuery)).quota).toMatchObject({ candidates: 7 });
    // The workflow's state changes before its activity records the counts, their log entries in the same transaction:
    // counted before that commit, the log would grow during the re-import without it writing anything.
    await until(
      async () => (await h.db.query('SELECT candidates FROM agrements WHERE organisation_id = $1', [c.organisationId]))[0]?.candidates,
      (n) => n === 7,
    );

    const log = async () => (await h.db.query(`SELECT count(*)::int AS n FROM event_log`))[0].n as number;
    const before = await log();
    const again = await finished((await upload(file, 'text/csv')).body.id);
    expect(again).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 2, refused: 2 });
    expect(await log()).toBe(before);
    expect((await c.handle.query(agrementStateQuery)).quota.candidates).toBe(7);
  });

  it('imports JSON and NDJSON; an unknown content type is refused', async () => {
    const c = await centre();
    const tag = c.organisationId.slice(0, 8);
    const good = sessionReport(c.organisationId, { id: `${tag}-J1` });
    const json = await finished(
      (await upload(JSON.stringify([good, { ...good, id: `${tag}-J2`, public: 'everyone' }]), 'application/json')).body.id,
    );
    expect(json).toMatchObject({ status: 'completed', created: 1, refused: 1 });
    const ndjson = await finished(
      (await upload(`${JSON.stringify({ ...good, id: `${tag}-N1` })}\n{not json\n`, 'application/x-ndjson')).body.id,
    );
    expect(ndjson).toMatchObject({ status: 'completed', created: 1, refused: 1 });
    const errors = (await (
      await fetch(`${api}/session-imports/${(ndjson as { id: string }).id}/errors`, { headers: bearer(ops) })
    ).json()) as { items: Array<{ line: number; message: string }> };
    expect(errors.items[0]).toMatchObject({ line: 2, message: expect.stringMatching(/not valid JSON/) });
    // Issue 14: the Imports screen reads the refusals through the typed client: they match the document.
    expect(await documentComplaints(api, 'GET /session-imports/{id}/errors', 200, errors)).toEqual([]);
    expect((await upload('x', 'text/plain')).status).toBe(400);
  });

  it('a line PostgreSQL cannot store (U+0000, an unpaired surrogate, in NDJSON, JSON or CSV) is refused with its line and field; the others are imported as they came', async () => {
    const c = await centre();
    const tag = c.organisationId.slice(0, 8);
    const report = (id: string) => sessionReport(c.organisationId, { id: `${tag}-${id}` }, 2);
    const nul = report('U1');
    nul.candidates[1]!.lastName = 'Nom\u0000';
    const lone = report('U2');
    lone.room = 'Salle \ud800';
    // Escaped as JSON writes them (the characters themselves are not valid in a JSON text).
    const lines = [report('U0'), nul, lone, report('U3')].map((r) => JSON.stringify(r));
    const ndjson = await finished((await upload(`${lines.join('\n')}\n`, 'application/x-ndjson')).body.id);
    expect(ndjson).toMatchObject({ status: 'completed', created: 2, refused: 2 });
    const refusals = async (id: unknown) =>
      (
        (await (await fetch(`${api}/session-imports/${id as string}/errors`, { headers: bearer(ops) })).json()) as {
          items: Array<{ line: number; field: string; message: string }>;
        }
      ).items.map((e) => [e.line, e.field, e.message]);
    const cannotBeStored = expect.stringMatching(/cannot be stored/);
    expect(await refusals(ndjson.id)).toEqual([
      [2, 'candidates.1.lastName', cannotBeStored],
      [3, 'room', cannotBeStored],
    ]);
    const json = await finished((await upload(`[${[lines[1], lines[2]].join(',')}]`, 'application/json')).body.id);
    expect(json).toMatchObject({ status: 'completed', created: 0, refused: 2 });
    const session = sessionLines(
      {
        session: `${tag}-U4`,
        organisation: c.organisationId,
        date: daysAgo(3),
        debut: '14:00',
        fin: '16:00',
        fuseau: 'Europe/Paris',
        adresse: '12 rue des Écoles',
        salle: 'B12',
        public: 'external-private',
        planifiee_le: daysAgo(55),
        ordinateurs_secours: '1',
        surveillants: 'Martin Jeanne (référent)',
      },
      1,
      () => ({ nom: 'Nom\u0000' }),
    );
    const fromCsv = await finished((await upload(csv(session), 'text/csv')).body.id);
    expect(fromCsv).toMatchObject({ status: 'completed', refused: 1 });
    // Stored as sent: the report read back is the line's.
    const stored = (await (await fetch(`${api}/sessions/${tag}-U3`, { headers: bearer(ops) })).json()) as { report: unknown };
    expect(stored.report).toEqual(JSON.parse(lines[3]!));
  });

  it('lists the imports newest first; a job whose process died is resumed (attempts, resumedAt, exact counters); one left by a service without a spooled upload is failed; a live one is left alone', async () => {
    const c = await centre();
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    const errors: unknown[] = [];
    const done = await finished((await upload(JSON.stringify([sessionReport(c.organisationId)]), 'application/json')).body.id);
    // A job whose process died before reading its spooled upload (its heartbeat stopped a while ago).
    const id = randomUUID();
    const spool = await spoolUpload(h, id, [
      `${JSON.stringify(sessionReport(c.organisationId))}\n{broken\n${JSON.stringify(sessionReport(c.organisationId))}\n`,
    ]);
    const died = await createImport(h, { id, format: 'ndjson', fileName: 'mort.ndjson', actor: 'Agent Pix (operations)', spool });
    // An import left running by a service that predates spooled uploads: nothing to resume from.
    const stalled = await createImport(h, { format: 'ndjson', fileName: 'arret.ndjson', actor: 'Agent Pix (operations)', spool: null });
    await h.db.query(`UPDATE session_imports SET processed = 1500, sessions_read = 1500 WHERE id = $1`, [stalled.id]);
    const aged = `UPDATE session_imports SET heartbeat_at = now() - make_interval(secs => ${PARAMETERS.sessions.importResumeAfterSeconds + 1}) WHERE id = ANY($1)`;
    await h.db.query(aged, [[died.id, stalled.id]]);
    const fresh = await createImport(h, { format: 'csv', fileName: 'en-cours.csv', actor: 'Agent Pix (operations)', spool: null });
    const round = await resumeStalledImports(deps, (err) => errors.push(err));
    expect(round).toEqual({ resumed: [died.id], failed: [stalled.id] });
    const resumed = await finished(died.id);
    expect(resumed).toMatchObject({
      status: 'completed',
      attempts: 2,
      resumedAt: expect.any(String),
      sessionsRead: 3,
      processed: 3,
      total: 3,
      linesDone: 3,
      created: 2,
      refused: 1,
      failure: null,
    });
    expect(errors).toEqual([]);
    const list = (await (await fetch(`${api}/session-imports?limit=4`, { headers: bearer(ops) })).json()) as {
      total: number;
      items: Array<Record<string, unknown>>;
    };
    expect(list.items.map((i) => i.id)).toEqual([fresh.id, stalled.id, died.id, done.id]);
    expect(list.items[0]).toMatchObject({ status: 'running', failure: null, attempts: 1 });
    expect(list.items[1]).toMatchObject({
      status: 'failed',
      processed: 1500,
      attempts: 2,
      failure: expect.stringMatching(
        /^interrupted \(the service stopped during the import\) and its upload was not kept .* import the same file again/,
      ),
    });
    const failed = (await (await fetch(`${api}/session-imports?status=failed`, { headers: bearer(ops) })).json()) as {
      items: Array<{ id: string }>;
    };
    expect(failed.items.map((i) => i.id)).toContain(stalled.id);
    expect(failed.items.map((i) => i.id)).not.toContain(fresh.id);
    expect((await fetch(`${api}/session-imports?status=paused`, { headers: bearer(ops) })).status).toBe(400);
    // A running import whose process beats is left alone.
    expect(await resumeStalledImports(deps, (err) => errors.push(err))).toEqual({ resumed: [], failed: [] });
  });

  it('a file declared over the import limit is 413 before it is read', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${api}/session-imports`,
        {
          method: 'POST',
          headers: { 'content-type': 'text/csv', 'content-length': String(PARAMETERS.sessions.importMaxBytes + 1), ...bearer(ops) },
        },
        (r) => {
          let body = '';
          r.on('data', (b: Buffer) => (body += b.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('session;organisation\r\n');
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain(`${PARAMETERS.sessions.importMaxBytes} bytes`);
  });
  it('issue 12: a line longer than the line limit (64 KiB by default) is 413 naming the line; nothing is imported', async () => {
    const before = (
      await h.db.query(
        'SELECT (SELECT count(*) FROM session_imports)::int AS jobs, (SELECT count(*) FROM session_import_spool)::int AS parts',
      )
    )[0];
    const long = 'x'.repeat(PARAMETERS.sessions.importMaxLineBytes + 1000);
    const body = `${CSV_COLUMNS.join(';')}\r\n${CSV_COLUMNS.map(() => 'a').join(';')}\r\n${long};${CSV_COLUMNS.slice(1)
      .map(() => 'b')
      .join(';')}\r\nfin\r\n`;
    const res = await fetch(`${api}/session-imports?fileName=longue.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...bearer(ops) },
      body,
    });
    expect(res.status).toBe(413);
    const answer = (await res.json()) as { message: string };
    expect(answer.message).toBe(
      `line 3 is longer than ${PARAMETERS.sessions.importMaxLineBytes} bytes, the longest line an import accepts: nothing was imported`,
    );
    const after = (
      await h.db.query(
        'SELECT (SELECT count(*) FROM session_imports)::int AS jobs, (SELECT count(*) FROM session_import_spool)::int AS parts',
      )
    )[0];
    expect(after).toEqual(before);
  });

  it('issue 12: the size and line limits are configurable (IMPORT_MAX_BYTES, IMPORT_MAX_LINE_BYTES): NDJSON lines, JSON elements, the file', async () => {
    const small = await serveApi(h, { importLimits: { maxBytes: 5000, maxLineBytes: 200 } });
    try {
      const post = async (type: string, body: string) => {
        const res = await fetch(`${small.url}/session-imports`, {
          method: 'POST',
          headers: { 'content-type': type, ...bearer(ops) },
          body,
        });
        return { status: res.status, message: ((await res.json()) as { message: string }).message };
      };
      const line = (n: number) => JSON.stringify({ id: `s${n}`, note: 'y'.repeat(250) });
      expect(await post('application/x-ndjson', `{"id":"a"}\n${line(1)}\n`)).toEqual({
        status: 413,
        message: expect.stringMatching(/^line 2 is longer than 200 bytes/),
      });
      expect(await post('application/json', `[{"id":"a"}, {"id":"b"}, ${line(3)}]`)).toEqual({
        status: 413,
        message: expect.stringMatching(/^element 3 of the JSON array is longer than 200 bytes/),
      });
      expect(await post('application/x-ndjson', `${'{"id":"short"}\n'.repeat(400)}`)).toEqual({
        status: 413,
        message: 'the file exceeds 5000 bytes, the largest import accepted',
      });
    } finally {
      await small.app.close();
    }
  });
});
