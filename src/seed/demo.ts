import { createHash } from 'node:crypto';
import type { Log } from '../shared/tools/cache-dir';
import { dateIn } from '../shared/domain/zoned-time';
import { shift } from './dates';

/**
 * Demo data, seeded through the public API exactly as Pix operations would enter it:
 * one application at each interesting point of the procedure. Idempotency keys make
 * a second start re-use them instead of adding copies.
 */
/** ELIG-2: an applicant committing to everything the cahier des charges asks (shared with the demo portfolio). */
export const DEMO_COMMITMENTS = {
  qualifiedTeam: true,
  similarServiceReferences: true,
  consistentMeans: true,
  compliantEnvironment: true,
  siteControlProcedures: true,
  noReputationalRisk: true,
  committedCandidates: 900,
};

interface Created {
  id: string;
  state: string;
  organisation: { id: string };
}

let token = '';

async function call(api: string, method: string, url: string, body: unknown, key: string): Promise<Created> {
  const res = await fetch(`${api}${url}`, {
    method,
    // A key is bound to its request (422 for another body): a step dated today, seeded again on a later day, is another
    // request, hence its own key (the procedure then refuses it, 409, as already done).
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': `${key}-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Created & { message?: string };
  if (!res.ok && res.status !== 409) throw new Error(`${method} ${url}: ${res.status} ${json.message ?? ''}`);
  return json;
}

/** Seeds as Pix operations (the token of a demo operations user); returns the applications and their organisations. */
export async function seedDemo(
  api: string,
  operationsToken: string,
  log: Log,
): Promise<{ applicationIds: string[]; organisationIds: string[] }> {
  token = operationsToken;
  const today = dateIn(new Date(), 'Europe/Paris'); // the date in France, as Pix operations would enter it

  // 1. A university, from the dossier to the attestation (APP-2..6).
  const uni = await call(
    api,
    'POST',
    '/applications',
    {
      kind: 'higher-education',
      organisation: {
        name: 'Université de Démonstration',
        category: 'public-higher-education',
        uai: '0751717J',
        department: '75',
        email: 'certification@univ-demo.fr',
      },
      argument: 'Certifier les compétences numériques de nos 30 000 étudiants en formation initiale.',
      referent: { name: 'Camille Martin', email: 'camille.martin@univ-demo.fr', recognisedQualifications: true },
      commitments: { ...DEMO_COMMITMENTS, committedCandidates: 3000 },
    },
    'demo-university-application',
  );
  const steps: [string, unknown][] = [
    [
      'pieces',
      {
        pieces: [
          { type: 'adhesion-form', filename: 'formulaire-adhesion.pdf' },
          { type: 'referent-cv', filename: 'cv-referent.pdf' },
          { type: 'site-control-procedures', filename: 'procedures-controle.pdf' },
        ],
      },
    ],
    ['admissibility', { decision: 'admissible', reason: 'Dossier complet et conforme au cahier des charges' }],
    ['referent-training', { on: today }],
    ['grant', { years: 3, reason: 'Dossier de grande qualité' }],
    ['adhesion-form', { on: today }],
    ['attestation', { receivedOn: today }],
  ];
  for (const [i, [path, body]] of steps.entries())
    await call(api, 'POST', `/applications/${uni.id}/${path}`, body, `demo-university-step-${i}`);

  // 2. A training provider whose dossier lacks pieces (DOC-4: the APP-7 clock stops).
  const provider = await call(
    api,
    'POST',
    '/applications',
    {
      kind: 'individual',
      organisation: {
        name: 'Numérique Formation Conseil',
        category: 'datadock-training-provider',
        department: '69',
        email: 'contact@nfc-formation.fr',
      },
      argument: 'Organisme de formation continue référencé Datadock, 1 200 stagiaires par an.',
      referent: { name: 'Yanis Benali', email: 'y.benali@nfc-formation.fr' },
      commitments: DEMO_COMMITMENTS,
    },
    'demo-provider-application',
  );
  await call(
    api,
    'POST',
    `/applications/${provider.id}/pieces`,
    { pieces: [{ type: 'adhesion-form', filename: 'adhesion.pdf' }] },
    'demo-provider-pieces',
  );
  await call(api, 'POST', `/applications/${provider.id}/admissibility`, { decision: 'incomplete' }, 'demo-provider-incomplete');

  // 3. A network of apprentice training centres, just received (APP-1, ELIG-4, ELIG-5).
  const network = await call(
    api,
    'POST',
    '/applications',
    {
      kind: 'network',
      organisation: {
        name: 'Réseau des CFA de Bretagne',
        category: 'apprentice-training-centre',
        department: '35',
        email: 'coordination@cfa-bretagne.fr',
      },
      argument: 'Réseau de 4 CFA fonctionnant en réseau depuis 2015.',
      referent: { name: 'Maël Le Goff', email: 'm.legoff@cfa-bretagne.fr' },
      commitments: { ...DEMO_COMMITMENTS, committedCandidates: 2600, priorNetworkOperation: true },
      network: {
        type: 'A',
        coordinatingEntity: 'Association des CFA de Bretagne',
        departmentsCovered: ['22', '29', '35', '56'],
        members: [
          { name: 'CFA de Saint-Brieuc', category: 'apprentice-training-centre', department: '22', email: 'cfa22@cfa-bretagne.fr' },
          { name: 'CFA de Quimper', category: 'apprentice-training-centre', department: '29', email: 'cfa29@cfa-bretagne.fr' },
          { name: 'CFA de Rennes', category: 'apprentice-training-centre', department: '35', email: 'cfa35@cfa-bretagne.fr' },
          { name: 'CFA de Vannes', category: 'apprentice-training-centre', department: '56', email: 'cfa56@cfa-bretagne.fr' },
        ],
      },
    },
    'demo-network-application',
  );
  await seedDemoSessions(api, uni.organisation.id, today, log);

  const created = [uni, provider, network];
  log(`demo data: applications ${created.map((a) => a.id).join(', ')}`);
  return { applicationIds: created.map((a) => a.id), organisationIds: created.map((a) => a.organisation.id) };
}

/**
 * The university's sessions as Pix Certif would report them (SES-1): two to come, each with its SES-10
 * workflow and its finalisation deadline on the dashboard.
 */
async function seedDemoSessions(api: string, organisationId: string, today: string, log: Log): Promise<void> {
  // The agrément starts from the attestation, in its own workflow: wait until it is recorded (a minute on a busy
  // machine; its sessions would otherwise be refused under AGR-4).
  for (let i = 0; ; i++) {
    const res = await fetch(`${api}/agrements/${organisationId}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.ok && ((await res.json()) as { state?: string }).state === 'active') break;
    if (i >= 600) throw new Error(`demo data: the agrément of ${organisationId} was not active within a minute`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const candidates = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      localId: `ETU-${1000 + i}`,
      lastName: ['Bernard', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent', 'Simon', 'Michel'][i % 10]!,
      firstName: ['Léa', 'Hugo', 'Chloé', 'Louis', 'Emma', 'Jules', 'Inès', 'Adam', 'Manon', 'Nathan'][i % 10]!,
      birthDate: '2004-05-12',
      extraTimePercent: i === 3 ? 33 : 0,
      staffOfCentre: false,
      billing: { mode: 'free-candidate' },
      certifiableCompetences: 9,
      previousSessionDate: null,
    }));
  const session = (id: string, date: string, n: number, extra: Record<string, unknown> = {}) => ({
    id,
    organisationId,
    date,
    startTime: '09:00',
    endTime: '11:45',
    timeZone: 'Europe/Paris',
    address: '1 place de la Sorbonne, 75005 Paris',
    room: 'Salle informatique 2.14',
    thirdPartyVenue: false,
    thirdPartyVenueDetails: null,
    invigilators: [{ lastName: 'Martin', firstName: 'Camille', referent: true }],
    public: 'external-private',
    plannedOn: shift(today, -20),
    publicInformation: null,
    minimumCandidates: null,
    confirmation: null,
    spareComputers: 1,
    candidates: candidates(n),
    ...extra,
  });
  const reported = [
    await call(api, 'POST', '/sessions', session('DEMO-SESSION-1', shift(today, 7), 12), 'demo-session-1'),
    await call(api, 'POST', '/sessions', session('DEMO-SESSION-2', shift(today, 14), 18), 'demo-session-2'),
  ];
  log(`demo data: sessions ${reported.length} reported for the university (SES-1)`);
}
