import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganisationEntity } from '../../../../src/entities';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { createHarness, serveApi, type Harness } from '../../../support/harness';
import { requestJson } from '../../../support/http';
import { sessionReport } from '../../../support/session-fixtures';
import { dateIn } from '../../../../src/shared/domain/zoned-time';

let h: Harness;
let app: INestApplication;
let api: string;
let ops: string;

// Windows stay in the run's database: this file works in school years of its own.
const Z = 2100 + Math.floor(Math.random() * 90);
const YEAR = `${Z}-${Z + 1}`;
const SPRING = Z + 1;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  ops = await h.tokenFor('operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function http(method: string, path: string, body?: unknown, token = ops) {
  return requestJson(`${api}${path}`, method, { token, body });
}

/** A secondary school (SCO-1: no agrément). */
async function school(category: 'college' | 'lycee' | 'agricultural-lycee'): Promise<string> {
  const id = randomUUID();
  await h.db.getRepository(OrganisationEntity).insert({
    id,
    name: `Collège ${id.slice(0, 6)}`,
    category,
    uai: `0${id.slice(0, 6)}X`,
    department: '69',
    foreign: false,
    email: `ce-${id.slice(0, 8)}@ac-lyon.fr`,
    networkId: null,
  });
  return id;
}

/** SCO-1: a school certifies its own pupils. */
const pupils = (organisationId: string, date: string) => sessionReport(organisationId, { date, public: 'internal-initial' });

const collegeWindow = {
  from: `${SPRING}-03-08`,
  to: `${SPRING}-05-12`,
  derogationLimit: `${SPRING}-05-20`,
  source: 'Note de service DGESCO (essai)',
};

describe('SCO-2 campaign windows: data entered by operations per school year and school type', () => {
  it('SCO-2 the known 2020-2021 windows are seeded and judge sessions of that year only', async () => {
    const seeded = await http('GET', '/campaign-windows?schoolYear=2020-2021');
    expect(seeded.status).toBe(200);
    expect(seeded.body.map((w: { schoolType: string; from: string; to: string }) => [w.schoolType, w.from, w.to]).sort()).toEqual([
      ['agricultural-lycee', '2021-03-15', '2021-05-20'],
      ['college', '2021-03-08', '2021-05-12'],
      ['lycee', '2021-01-11', '2021-05-20'],
    ]);
    const college = await school('college');
    expect((await http('POST', '/sessions/dry-run', pupils(college, '2021-04-01'))).body.allowed).toBe(true);
    const late = await http('POST', '/sessions/dry-run', pupils(college, '2021-05-18'));
    expect(late.body.allowed).toBe(false);
    expect(late.body.failures).toEqual([
      expect.objectContaining({ ruleId: 'SCO-2', actual: '2021-05-18', expected: { from: '2021-03-08', to: '2021-05-12' } }),
    ]);
  });

  it('SCO-2 a school session in a school year without published windows is refused with 409 naming SCO-2, never judged against another year', async () => {
    const college = await school('college');
    // 1 April is inside every seeded window: another year's window would accept it.
    const res = await http('POST', '/sessions', pupils(college, `${SPRING}-04-01`));
    expect(res.status).toBe(409);
    expect(res.body.rule).toBe('SCO-2');
    expect(res.body.message).toMatch(new RegExp(`Aucune fenêtre de campagne n'est publiée pour l'année scolaire ${YEAR}`));
    expect(res.body.message).toMatch(/collège/);
    const dry = await http('POST', '/sessions/dry-run', pupils(college, `${SPRING}-04-01`));
    expect(dry.body).toMatchObject({ allowed: false, blockedBy: { ruleId: 'SCO-2' } });
  });

  it('SCO-2 operations publish a window (400 names the field, 403 for others); sessions in it pass, outside it get 422, another school type still 409', async () => {
    const bad = await http('PUT', `/campaign-windows/${YEAR}/college`, { ...collegeWindow, from: `${Z}-08-31` });
    expect([bad.status, bad.body.field]).toEqual([400, 'from']);
    expect((await http('PUT', `/campaign-windows/${YEAR}/college`, { ...collegeWindow, to: `${SPRING}-03-01` })).body.field).toBe('to');
    expect((await http('PUT', `/campaign-windows/${YEAR}/college`, { ...collegeWindow, source: undefined })).body.field).toBe('source');
    expect((await http('PUT', `/campaign-windows/${YEAR}/ecole`, collegeWindow)).body.field).toBe('schoolType');
    expect((await http('PUT', `/campaign-windows/${Z}-${Z + 2}/college`, collegeWindow)).body.field).toBe('schoolYear');
    const centre = await runningAgrement(h, dateIn(new Date(), 'Europe/Paris'));
    expect(
      (await http('PUT', `/campaign-windows/${YEAR}/college`, collegeWindow, await h.tokenFor('centre', centre.organisationId))).status,
    ).toBe(403);

    const created = await http('PUT', `/campaign-windows/${YEAR}/college`, { ...collegeWindow, to: `${SPRING}-05-10` });
    expect(created.status, created.text).toBe(201);
    const corrected = await http('PUT', `/campaign-windows/${YEAR}/college`, collegeWindow);
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({
      schoolYear: YEAR,
      schoolType: 'college',
      from: `${SPRING}-03-08`,
      to: `${SPRING}-05-12`,
      derogationLimit: `${SPRING}-05-20`,
    });
    expect((await http('GET', `/campaign-windows?schoolYear=${YEAR}`)).body).toHaveLength(1);

    const college = await school('college');
    expect((await http('POST', '/sessions', pupils(college, `${SPRING}-05-12`))).status).toBe(201);
    const late = await http('POST', '/sessions', pupils(college, `${SPRING}-05-13`));
    expect(late.status).toBe(422);
    expect(late.body.rules).toEqual(['SCO-2']);
    expect(late.body.failures[0]).toMatchObject({
      check: 'SCO-2.campaign-window',
      expected: { from: `${SPRING}-03-08`, to: `${SPRING}-05-12` },
    });
    // The lycées' window of that year is not published yet.
    const lycee = await school('lycee');
    const noWindow = await http('POST', '/sessions', pupils(lycee, `${SPRING}-04-01`));
    expect([noWindow.status, noWindow.body.rule]).toEqual([409, 'SCO-2']);
    expect(noWindow.body.message).toMatch(/lycée/);
  });

  it('SCO-2 a derogation granted to one collège lets it run up to 20 May; other collèges keep the window; beyond the limit or without a window 409', async () => {
    expect((await http('PUT', `/campaign-windows/${YEAR}/college`, collegeWindow)).status).toBeLessThan(300);
    const granted = await school('college');
    const other = await school('college');
    const res = await http('PUT', `/campaign-windows/${YEAR}/derogations/${granted}`, {
      until: `${SPRING}-05-20`,
      reason: "Accordée par l'académie (voyage scolaire)",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ organisationId: granted, schoolYear: YEAR, schoolType: 'college', until: `${SPRING}-05-20` });

    expect((await http('POST', '/sessions', pupils(granted, `${SPRING}-05-19`))).status).toBe(201);
    const refused = await http('POST', '/sessions', pupils(other, `${SPRING}-05-19`));
    expect([refused.status, refused.body.rules]).toEqual([422, ['SCO-2']]);
    const tooLate = await http('POST', '/sessions', pupils(granted, `${SPRING}-05-21`));
    expect(tooLate.status).toBe(422);
    expect(tooLate.body.failures[0].message).toMatch(/par dérogation/);

    const beyond = await http('PUT', `/campaign-windows/${YEAR}/derogations/${other}`, { until: `${SPRING}-05-25`, reason: 'Trop tard' });
    expect([beyond.status, beyond.body.rule]).toEqual([409, 'SCO-2']);
    expect(beyond.body.message).toMatch(new RegExp(`limited to ${SPRING}-05-20`));
    expect((await http('PUT', `/campaign-windows/${YEAR}/derogations/${other}`, { until: `${SPRING}-05-20` })).body.field).toBe('reason');
    const noWindowYear = await http('PUT', `/campaign-windows/${Z + 1}-${Z + 2}/derogations/${other}`, {
      until: `${Z + 2}-05-20`,
      reason: 'x',
    });
    expect([noWindowYear.status, noWindowYear.body.rule]).toEqual([409, 'SCO-2']);
    expect(noWindowYear.body.message).toMatch(/Aucune fenêtre de campagne n'est publiée/);
    const centre = await runningAgrement(h, dateIn(new Date(), 'Europe/Paris'));
    expect(
      (await http('PUT', `/campaign-windows/${YEAR}/derogations/${centre.organisationId}`, { until: `${SPRING}-05-20`, reason: 'x' })).body
        .rule,
    ).toBe('SCO-2');
    expect(
      (await http('PUT', `/campaign-windows/${YEAR}/derogations/${randomUUID()}`, { until: `${SPRING}-05-20`, reason: 'x' })).status,
    ).toBe(404);

    // Narrowing the limit below a granted derogation is refused.
    const narrow = await http('PUT', `/campaign-windows/${YEAR}/college`, { ...collegeWindow, derogationLimit: `${SPRING}-05-15` });
    expect([narrow.status, narrow.body.rule]).toEqual([409, 'SCO-2']);
    const list = await http('GET', `/campaign-windows/${YEAR}/derogations`);
    expect(list.body.map((d: { organisationId: string }) => d.organisationId)).toEqual([granted]);
  });
});
