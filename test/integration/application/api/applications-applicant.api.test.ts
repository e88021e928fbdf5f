import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFor } from '../../../support/auth';
import { individualApplication } from '../../../support/fixtures';
import { createHarness, serveApi, type Harness } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';

let h: Harness;
let app: INestApplication;
let api: string;
let operations: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  operations = await tokenFor(h.db, 'operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const http = (method: string, path: string, token: string, body?: unknown) => requestJson(`${api}${path}`, method, { token, body });
const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  (await h.db.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;

/** An organisation entered by operations (APP-1), and a centre user bound to it. */
async function centreOf(): Promise<{ organisation: Json; centre: string }> {
  const res = await http(
    'POST',
    '/applications',
    operations,
    individualApplication({ organisation: { ...individualApplication().organisation, uai: '0691234A' } }),
  );
  expect(res.status).toBe(201);
  return { organisation: res.body.organisation, centre: await tokenFor(h.db, 'centre', res.body.organisation.id) };
}

describe('APP-1 who may create organisations', () => {
  it('operations enter an application for a new organisation: it is created', async () => {
    const before = await count('organisations');
    const res = await http('POST', '/applications', operations, individualApplication());
    expect(res.status).toBe(201);
    expect(await count('organisations')).toBe(before + 1);
  });

  it('a centre applies for its own organisation (renewal or new application): the organisation is reused, none created', async () => {
    const { organisation, centre } = await centreOf();
    const before = await count('organisations');
    const own = individualApplication({
      organisation: {
        ...individualApplication().organisation,
        name: ` ${organisation.name.toUpperCase()} `,
        uai: '0691234A',
        email: organisation.email.toUpperCase(),
      },
    });
    const res = await http('POST', '/applications', centre, own);
    expect(res.status).toBe(201);
    expect(res.body.organisation.id).toBe(organisation.id);
    expect(await count('organisations')).toBe(before);
    expect(await count('applications WHERE organisation_id = $1', [organisation.id])).toBe(2);
  });

  it('a centre naming another organisation (name, UAI or e-mail) is 409 APP-1: nothing stored, no e-mail sent', async () => {
    const { organisation, centre } = await centreOf();
    const victim = `victime-${Date.now()}@ailleurs.fr`;
    const attempts: Array<[Json, string[]]> = [
      [{ name: 'Un Autre Centre', uai: '0691234A', email: organisation.email }, ['organisation.name']],
      [{ name: organisation.name, uai: '0750001X', email: organisation.email }, ['organisation.uai']],
      [{ name: organisation.name, uai: '0691234A', email: victim }, ['organisation.email']],
      [{ name: 'Lycée Inconnu', uai: null, email: victim }, ['organisation.name', 'organisation.uai', 'organisation.email']],
    ];
    const organisations = await count('organisations');
    const applications = await count('applications');
    for (const [identity, fields] of attempts) {
      const res = await http(
        'POST',
        '/applications',
        centre,
        individualApplication({ organisation: { ...individualApplication().organisation, ...identity } }),
      );
      expect(res.status, JSON.stringify(identity)).toBe(409);
      expect(res.body.rule).toBe('APP-1');
      expect(res.body.message).toMatch(/a centre applies only for its own organisation/);
      expect(res.body.details.fields).toEqual(fields);
    }
    expect(await count('organisations')).toBe(organisations);
    expect(await count('applications')).toBe(applications);
    await h.mailSettled();
    expect(h.smtp.messages().filter((m) => m.to.includes(victim))).toEqual([]);
  });

  it('a centre bound to no organisation, or submitting a network application, is 409 APP-1', async () => {
    const unbound = await tokenFor(h.db, 'centre');
    const res = await http('POST', '/applications', unbound, individualApplication());
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ rule: 'APP-1', message: expect.stringMatching(/acts for no organisation/) });

    const { organisation, centre } = await centreOf();
    const network = await http(
      'POST',
      '/applications',
      centre,
      individualApplication({
        kind: 'network',
        organisation: { ...individualApplication().organisation, name: organisation.name, uai: '0691234A', email: organisation.email },
        commitments: { ...individualApplication().commitments, committedCandidates: 3000, priorNetworkOperation: true },
        network: {
          type: 'A',
          coordinatingEntity: 'Fédération',
          departmentsCovered: ['01'],
          members: [{ name: 'Membre', category: 'datadock-training-provider', department: '01', email: 'membre@ailleurs.fr' }],
        },
      }),
    );
    expect(network.status).toBe(409);
    expect(network.body).toMatchObject({ rule: 'APP-1', message: expect.stringMatching(/entered by Pix operations/) });
  });

  it('a coordinator does not submit applications (403): its network’s are entered by operations', async () => {
    const { organisation } = await centreOf();
    const coordinator = await tokenFor(h.db, 'coordinator', organisation.id);
    const res = await http('POST', '/applications', coordinator, individualApplication());
    expect(res.status).toBe(403);
    expect(res.body.action).toBe('application.create');
  });
});
