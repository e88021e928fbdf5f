import { createHash } from 'node:crypto';
import type { Log } from '../shared/tools/cache-dir';
import { dateIn } from '../shared/domain/zoned-time';
import { monthOpenedLate } from '../billing/domain/statement';
import { shift } from './dates';
import { type ListedStatement, planStatements, type StatementSteps } from './statement-plan';
import { prng } from '../shared/tools/prng';
import { DEMO_COMMITMENTS } from './demo';
import { NETWORKS, organisationSpec, personName, type OrganisationSpec } from './portfolio-names';
import { forEachBounded } from '../shared/usecases/bounded';

/**
 * DEMO DATA ONLY (`./dev start`): a realistic portfolio of centres and networks, seeded through the public API as
 * Pix operations, the legal team and centres would enter it (never rows behind the API's back), so that every screen
 * has something to show: agréments in every state, applications at every step, a year of sessions, statements sent
 * late and unpaid, proposals waiting for the legal team, inspectors and a visit plan.
 *
 * Deterministic (a fixed seed), idempotent (an Idempotency-Key per request, bound to its body: a second start the same
 * day replays; on a later day the dated steps are other requests, which the procedures refuse as already done, 409),
 * and concurrent with bounded parallelism.
 */

export interface PortfolioOptions {
  /** How many centres (individual applicants and network members), about 150 by default. */
  centres: number;
  /** Requests in flight at once. */
  parallelism?: number;
  /** Prefix of the idempotency keys and session ids (a test seeds its own portfolio next to others). */
  prefix?: string;
  /** Tokens of the demo people: operations enter and decide, the legal team acts, the inspector is planned. */
  tokens: { operations: string; legal: string };
  /** The demo inspector's e-mail: one of the inspectors is them, so their token sees assignments. */
  inspectorEmail?: string;
  /**
   * Inspectors and a visit plan (default true). The planner plans every agreed centre of the database: a test sharing
   * its database with others leaves it out.
   */
  visits?: boolean;
}

export interface PortfolioResult {
  /** A centre with interesting data (sessions to finalise, statements due, a quota): the demo centre user's. */
  centreId: string | null;
  /** An agreed network with members and sessions: the demo coordinator's. */
  networkId: string | null;
  organisationIds: string[];
  /** The agreed networks' member centres (no agrément of their own: their sessions and statements are the portfolio's too). */
  memberIds: string[];
  applicationIds: string[];
  /** What could not be done through the API, with the reason the API gave (reported, never forced). */
  refused: string[];
}

type Profile =
  | 'app-received'
  | 'app-overdue'
  | 'app-incomplete'
  | 'app-conformity-visit'
  | 'app-visit-done'
  | 'app-admissible'
  | 'app-trained'
  | 'app-granted'
  | 'app-adhesion'
  | 'active'
  | 'active-on-pace'
  | 'badge-missing'
  | 'suspended'
  | 'under-notice'
  | 'cure-passed'
  | 'terminating'
  | 'terminated'
  | 'expired'
  | 'force-majeure';

/** Per 100 individual applicants; every profile at least once, the rest active. */
const WEIGHTS: Array<[Profile, number]> = [
  ['app-received', 3],
  ['app-overdue', 1],
  ['app-incomplete', 3],
  ['app-conformity-visit', 2],
  ['app-visit-done', 1],
  ['app-admissible', 2],
  ['app-trained', 2],
  ['app-granted', 2],
  ['app-adhesion', 2],
  ['active-on-pace', 12],
  ['badge-missing', 3],
  ['suspended', 5],
  ['under-notice', 5],
  ['cure-passed', 3],
  ['terminating', 4],
  ['terminated', 4],
  ['expired', 6],
  ['force-majeure', 2],
];

/** The demo engine went live this many days ago: sessions since were reported live (statements), earlier ones imported. */
const LIVE_DAYS = 90;
/** How long the statements the live reports opened may take to be prepared before the seed reports them missing. */
const STATEMENTS_PREPARED_WITHIN_MS = 180_000;

/** APP-7: the overdue application was received this many days ago (past its 2 months). */
const OVERDUE_RECEIVED_DAYS_AGO = 75;

/** Members of each of the 5 networks in a full-size portfolio (68 centres). */
const NETWORK_SIZES = [20, 16, 14, 10, 8];

const AGREED: ReadonlySet<Profile> = new Set([
  'active',
  'active-on-pace',
  'badge-missing',
  'suspended',
  'under-notice',
  'cure-passed',
  'terminating',
  'terminated',
  'expired',
  'force-majeure',
]);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

class Client {
  readonly refused: string[] = [];
  constructor(
    private readonly api: string,
    private readonly prefix: string,
  ) {}

  /** One request; the idempotency key is bound to its body. 409 (already done) is an answer, not a failure. */
  async call(
    token: string,
    method: string,
    url: string,
    body: unknown,
    key: string | null,
    accept: number[] = [409],
    /** What the key is bound to (default the body): a dated field left out keeps the key from one day to the next. */
    hashed: unknown = body,
  ): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key)
      headers['idempotency-key'] = `${this.prefix}${key}-${createHash('sha256')
        .update(JSON.stringify(hashed ?? null))
        .digest('hex')
        .slice(0, 12)}`.slice(0, 200);
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.api}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      // 503 / 429: retry with the same key (it applies once).
      if ((res.status === 503 || res.status === 429) && attempt < 10) {
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        continue;
      }
      if (!res.ok && !accept.includes(res.status)) {
        throw new Error(`${method} ${url}: ${res.status} ${String(json.message ?? '')} ${json.field ? `(${String(json.field)})` : ''}`);
      }
      return { status: res.status, body: json };
    }
  }

  /** A request whose refusal is reported (what the API would not let the demo reach), not fatal. */
  async attempt(what: string, token: string, method: string, url: string, body: unknown, key: string): Promise<Answer | null> {
    try {
      return await this.call(token, method, url, body, key);
    } catch (err) {
      this.refused.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  get(token: string, url: string, accept: number[] = []): Promise<Answer> {
    return this.call(token, 'GET', url, undefined, null, accept);
  }
}

interface Centre {
  index: number;
  spec: OrganisationSpec;
  profile: Profile;
  /** Days between the attestation and today, for agreed centres. */
  startDaysAgo: number;
  years: number;
  /** Sessions: none, a few a year, or monthly (on pace for QUO-3). */
  sessions: 'none' | 'some' | 'monthly';
  applicationId?: string;
  organisationId?: string;
}

function profiles(count: number): Profile[] {
  const list: Profile[] = [];
  for (const [profile, weight] of WEIGHTS) {
    const n = Math.max(1, Math.round((weight * count) / 100));
    for (let i = 0; i < n; i++) list.push(profile);
  }
  while (list.length < count) list.push('active');
  return list;
}

/** The demo portfolio: see the file's comment. Returns the ids the demo users are bound to. */
export async function seedPortfolio(api: string, options: PortfolioOptions, log: Log): Promise<PortfolioResult> {
  const started = Date.now();
  const random = prng(20251124);
  const parallelism = options.parallelism ?? 12;
  const prefix = options.prefix ?? 'demo-portfolio-';
  const client = new Client(api, prefix);
  const ops = options.tokens.operations;
  const legal = options.tokens.legal;
  const today = dateIn(new Date(), 'Europe/Paris');

  // --- The portfolio, generated (deterministic) -------------------------------------------------
  const networkCount = options.centres >= 100 ? NETWORKS.length : Math.max(1, Math.min(NETWORKS.length, Math.floor(options.centres / 10)));
  // Networks of GRETA and CFA sites: many centres under a few applications (a network applies once for its members).
  const membersOf = (i: number) => (options.centres >= 100 ? NETWORK_SIZES[i % NETWORK_SIZES.length]! : 3);
  const memberCount = Array.from({ length: networkCount }, (_, i) => membersOf(i)).reduce((a, b) => a + b, 0);
  const individualCount = Math.max(0, options.centres - memberCount);
  const assigned = profiles(individualCount);
  // Spread the profiles over the list, deterministically (a shuffle with the fixed seed).
  for (let i = assigned.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [assigned[i], assigned[j]] = [assigned[j]!, assigned[i]!];
  }
  const names = new Set<string>();
  const centres: Centre[] = assigned.map((profile, index) => {
    const spec = organisationSpec(index, random);
    // Names are unique in the demo (a second site of the same kind in the same town gets its number).
    for (let n = 2; names.has(spec.name); n++) spec.name = `${spec.name.replace(/ – site \d+$/, '')} – site ${n}`;
    names.add(spec.name);
    const startDaysAgo =
      profile === 'expired'
        ? 400 + Math.floor(random() * 300)
        : profile === 'badge-missing'
          ? 220 + Math.floor(random() * 200)
          : 60 + Math.floor(random() * 640);
    const sessions: Centre['sessions'] = profile === 'active-on-pace' ? 'monthly' : AGREED.has(profile) && random() < 0.6 ? 'some' : 'none';
    return { index, spec, profile, startDaysAgo, years: profile === 'expired' ? 1 : 3, sessions };
  });

  // --- 1. Applications, each walked to its step (APP-1..6); the networks' (ELIG-4, ELIG-5) meanwhile ---------
  const networkStates = ['active', 'active', 'under-notice', 'suspended', 'app-admissible'] as const;
  const networks = NETWORKS.slice(0, networkCount).map((n, i) => ({
    ...n,
    index: i,
    state: networkStates[i]!,
    organisationId: '',
    applicationId: '',
    members: [] as string[],
  }));
  // The networks' few applications run beside the individual ones (not out of their share: once they are walked, the
  // individual applications would go on at parallelism minus 5).
  const individuals = forEachBounded(centres, parallelism, async (c) => {
    const application = {
      kind: c.spec.kind,
      organisation: { name: c.spec.name, category: c.spec.category, uai: c.spec.uai, department: c.spec.department, email: c.spec.email },
      argument: `Centre de formation de ${c.spec.town} souhaitant certifier les compétences numériques de ses publics (démonstration).`,
      referent: { name: c.spec.referent.name, email: c.spec.referent.email, recognisedQualifications: c.index % 3 === 0 },
      commitments: { ...DEMO_COMMITMENTS, committedCandidates: 700 + (c.index % 5) * 300 },
    };
    // APP-7: a paper file received by post 75 days ago and registered late: Pix has held it past its 2 months. Its key
    // leaves the dated receipt out, so that a start on a later day finds it (422: the key is bound to the first body).
    const receivedOn = c.profile === 'app-overdue' ? { receivedOn: shift(today, -OVERDUE_RECEIVED_DAYS_AGO) } : {};
    const created = await client.call(
      ops,
      'POST',
      '/applications',
      { ...application, ...receivedOn },
      `application-${c.index}`,
      [409, 422],
      application,
    );
    const id = created.status === 422 ? await applicationNamed(client, ops, c.spec.name) : String(created.body.id);
    const view = created.status === 422 ? (await client.get(ops, `/applications/${id}`)).body : created.body;
    c.applicationId = id;
    c.organisationId = String((view.organisation as { id: string }).id);
    await walkApplication(client, ops, c, today);
  });
  const networkApplications = forEachBounded(networks, networks.length, async (n) => {
    const memberNames = new Set<string>();
    const memberSpecs = Array.from({ length: membersOf(n.index) }, (_, m) => {
      const spec = organisationSpec(1000 + n.index * 100 + m, prng(7000 + n.index * 100 + m), n.departments);
      let name = `${n.category === 'apprentice-training-centre' ? 'CFA' : 'GRETA'} ${spec.town} ${['Centre', 'Nord', 'Sud', 'Est', 'Ouest', 'Agglomération'][m % 6]}`;
      if (memberNames.has(name)) name = `${name} – site ${m + 1}`;
      memberNames.add(name);
      return {
        name,
        category: n.category,
        uai: spec.uai ?? `${String(5900000 + n.index * 100 + m)}A`,
        department: spec.department,
        email: `contact-${m + 1}@${n.index + 1}.reseau.demo.fr`,
      };
    });
    const domain = `reseau-${n.index + 1}.demo.fr`;
    const created = await client.call(
      ops,
      'POST',
      '/applications',
      {
        kind: 'network',
        organisation: { name: n.name, category: n.category, department: n.departments[0], email: `coordination@${domain}`, uai: null },
        argument: `${n.name}: ${membersOf(n.index)} centres fonctionnant en réseau depuis 2016 (démonstration).`,
        referent: { name: 'Coordination du réseau', email: `referent@${domain}` },
        commitments: { ...DEMO_COMMITMENTS, committedCandidates: 3000, priorNetworkOperation: true },
        network: { type: 'A', coordinatingEntity: n.entity, departmentsCovered: [...n.departments], members: memberSpecs },
      },
      `network-${n.index}`,
    );
    const applicationId = String(created.body.id);
    n.applicationId = applicationId;
    n.organisationId = String((created.body.organisation as { id: string }).id);
    const startOn = shift(today, -(300 + n.index * 40));
    const steps: Array<[string, unknown]> = [
      [
        'pieces',
        {
          pieces: [
            { type: 'adhesion-form', filename: 'formulaire-adhesion.pdf' },
            { type: 'proof-of-legal-existence', filename: 'avis-sirene.pdf', issuedOn: shift(today, -10) },
            { type: 'legal-status', filename: 'statuts.pdf' },
            { type: 'site-control-procedures', filename: 'procedures-controle.pdf' },
            { type: 'member-list', filename: 'liste-membres.pdf' },
          ],
        },
      ],
      ['admissibility', { decision: 'admissible', reason: 'Dossier de réseau complet' }],
    ];
    if (n.state !== 'app-admissible')
      steps.push(
        ['referent-training', { on: shift(startOn, -40) }],
        ['grant', { years: 3, referentCount: 2, reason: 'Réseau expérimenté' }],
        ['adhesion-form', { on: shift(startOn, -10) }],
        ['attestation', { receivedOn: startOn }],
      );
    for (const [i, [path, body]] of steps.entries())
      await client.call(ops, 'POST', `/applications/${applicationId}/${path}`, body, `network-${n.index}-step-${i}`);
  });
  await Promise.all([individuals, networkApplications]);
  log(`demo portfolio: ${centres.length + networks.length} applications walked (${Math.round((Date.now() - started) / 1000)} s)`);

  // --- 3. The agréments, once their workflows have recorded them (APP-6 → AGR-1) ------------------
  const agreed = centres.filter((c) => AGREED.has(c.profile));
  const agreedNetworks = networks.filter((n) => n.state !== 'app-admissible');
  await forEachBounded([...agreed.map((c) => c.organisationId!), ...agreedNetworks.map((n) => n.organisationId)], parallelism, (id) =>
    waitForAgrement(client, ops, id),
  );
  for (const n of agreedNetworks) {
    // GET /agrements/{id} holds the agrément as its workflow keeps it under `agrement` (its members, its proposals).
    const view = (await client.get(ops, `/agrements/${n.organisationId}`)).body as unknown as AgrementView;
    n.members = (view.agrement.network?.members ?? []).map((m) => m.organisationId);
  }
  log(`demo portfolio: ${agreed.length + agreedNetworks.length} agréments started (${Math.round((Date.now() - started) / 1000)} s)`);

  // --- 4. REF-3: most référents showed their badge in time; a few did not (a BRE-4 proposal waits) --
  await forEachBounded(
    agreed.filter((c) => c.profile !== 'badge-missing' && c.startDaysAgo > 150),
    parallelism,
    async (c) => {
      await client.attempt(
        `REF-3 badge of ${c.spec.name}`,
        ops,
        'POST',
        `/agrements/${c.organisationId}/actions/record-badge`,
        {
          on: shift(today, -c.startDaysAgo + 60),
          reason: 'Badge « Référent Pix » présenté',
        },
        `badge-${c.index}`,
      );
    },
  );

  // --- 5. Sessions: a year of past ones, some finalised late (SES-10), one incident owed a remedy (SES-12), planned ones --
  // The engine went live LIVE_DAYS ago: the sessions before came as a history import (POST /session-imports, SES-1),
  // decided in chunks with one quota report per agrément (QUO-3), their months settled outside the engine (no statement,
  // BIL-1); the later ones were reported one by one (POST /sessions), their statements opened (BIL-1).
  const liveSince = shift(today, -LIVE_DAYS);
  const sessionJobs: Array<() => Promise<void>> = [];
  const backlog: Array<Record<string, unknown>> = [];
  // BIL-1: the statements these reports open (a month whose monthly run has passed), awaited before they are settled.
  const statementsOpened = new Set<string>();
  const reportSession = (what: string, body: Record<string, unknown>, key: string) =>
    sessionJobs.push(async () => {
      const sentAt = new Date();
      const answer = await client.attempt(what, ops, 'POST', '/sessions', body, key);
      const session = (answer?.body as { session?: ReportedSession } | undefined)?.session;
      const opened = session && statementOpenedBy(session, sentAt);
      if (opened) statementsOpened.add(opened);
    });
  const importSession = (body: Record<string, unknown>) => void backlog.push(body);
  const live = (p: Profile) => p !== 'expired' && p !== 'terminated';
  for (const c of agreed) {
    if (c.sessions === 'none') continue;
    const everyMonths = c.sessions === 'monthly' ? 1 : 2;
    const candidates = c.sessions === 'monthly' ? 18 : 6 + (c.index % 6);
    const first = shift(today, -Math.min(365, c.startDaysAgo - 15));
    const last = c.profile === 'expired' ? shift(today, -c.startDaysAgo + 365 - 10) : shift(today, -7);
    let n = 0;
    for (let date = shift(first, 3 + (c.index % 10)); date <= last; date = shift(date, 30 * everyMonths), n++) {
      const late = (c.index + n) % 9 === 0; // SES-10: finalised after its 48 hours
      const at = `${shift(date, late ? 4 : 1)}T09:30:00.000Z`;
      const body = sessionBody(`${prefix}S-${c.index}-${n}`, c, date, candidates, random, {
        status: 'finalised',
        finalisation: {
          finalisedAt: at,
          candidatesWhoSat: candidates - (n % 3 === 0 ? 1 : 0),
          incidents: [],
          fraudReports: [],
          endOfTestChecks: [],
        },
      });
      if (date >= liveSince) reportSession(`past session of ${c.spec.name}`, body, `session-${c.index}-${n}`);
      else importSession(body);
    }
    if (live(c.profile) && c.profile !== 'suspended' && c.profile !== 'force-majeure') {
      // Planned ones (SES-10 workflows waiting for the session), reported 20 days ahead.
      for (const [k, ahead] of (c.sessions === 'monthly' ? [10 + (c.index % 20), 40 + (c.index % 15)] : [10 + (c.index % 40)]).entries())
        reportSession(
          `planned session of ${c.spec.name}`,
          sessionBody(`${prefix}P-${c.index}-${k}`, c, shift(today, ahead), candidates, random),
          `planned-${c.index}-${k}`,
        );
      // Held but not finalised yet: due within 48 hours, or overdue (SES-10).
      if (c.index % 4 === 0)
        reportSession(
          `session to finalise of ${c.spec.name}`,
          sessionBody(`${prefix}F-${c.index}`, c, shift(today, c.index % 8 === 0 ? -5 : -1), candidates, random),
          `to-finalise-${c.index}`,
        );
    }
  }
  // SES-12: a session finalised with an incident attributable to the centre: the remedy is owed within 5 days.
  const incidentCentre = agreed.find((c) => c.profile === 'active-on-pace');
  if (incidentCentre) {
    const body = sessionBody(`${prefix}I-${incidentCentre.index}`, incidentCentre, shift(today, -2), 12, random, {
      status: 'finalised',
      finalisation: {
        finalisedAt: `${shift(today, -1)}T08:00:00.000Z`,
        candidatesWhoSat: 12,
        incidents: [
          { candidateLocalId: 'C-3', description: 'Coupure du réseau de la salle pendant 25 minutes', attributableToCentre: true },
        ],
        fraudReports: [],
        endOfTestChecks: [],
      },
    });
    reportSession(`incident session of ${incidentCentre.spec.name}`, body, `incident-${incidentCentre.index}`);
  }
  // Network members' sessions, under their network's agrément (QUO-1: they count for the network).
  for (const n of agreedNetworks) {
    for (const [m, organisationId] of n.members.entries()) {
      const member: Centre = {
        index: 5000 + n.index * 100 + m,
        spec: { ...organisationSpec(0, prng(m), n.departments), name: n.name },
        profile: 'active',
        startDaysAgo: 300,
        years: 3,
        sessions: 'some',
        organisationId,
      };
      for (let k = 0; k < 4; k++) {
        const date = shift(today, -20 - 45 * k - m);
        const body = sessionBody(`${prefix}N-${n.index}-${m}-${k}`, member, date, 10, random, {
          status: 'finalised',
          finalisation: {
            finalisedAt: `${shift(date, k === 1 ? 3 : 1)}T10:00:00.000Z`,
            candidatesWhoSat: 10,
            incidents: [],
            fraudReports: [],
            endOfTestChecks: [],
          },
        });
        // The network's last session of each site reported live (its statement opened), the earlier ones imported.
        if (k === 0) reportSession('network session', body, `network-session-${n.index}-${m}-${k}`);
        else importSession(body);
      }
      if (n.state === 'active' && m < 4)
        reportSession(
          `network planned session`,
          sessionBody(`${prefix}NP-${n.index}-${m}`, member, shift(today, 12 + m), 10, random),
          `network-planned-${n.index}-${m}`,
        );
      if (n.state === 'active' && m === 0)
        reportSession(
          `network session to finalise`,
          sessionBody(`${prefix}NF-${n.index}-${m}`, member, shift(today, -1), 10, random),
          `network-to-finalise-${n.index}-${m}`,
        );
    }
  }
  await Promise.all([importSessions(client, ops, backlog), forEachBounded(sessionJobs, parallelism, (job) => job())]);
  log(
    `demo portfolio: ${backlog.length} past sessions imported, ${sessionJobs.length} reported (${Math.round((Date.now() - started) / 1000)} s)`,
  );

  // --- 6. The legal team and the centres act (SUS-1, BRE-1..4, TER-1, TER-3, TER-5) ---------------
  const act = (c: { organisationId?: string }, action: string, body: Record<string, unknown>, key: string, token = legal) =>
    client.attempt(`${action} on ${c.organisationId}`, token, 'POST', `/agrements/${c.organisationId}/actions/${action}`, body, key);
  await forEachBounded(agreed, parallelism, async (c) => {
    const k = c.index;
    switch (c.profile) {
      case 'suspended':
        await act(
          c,
          'suspend',
          {
            on: shift(today, -(3 + (k % 25))),
            reason: 'Signalements de fraude lors de deux sessions',
            evidence: 'Procès-verbaux des sessions',
          },
          `suspend-${k}`,
        );
        break;
      case 'under-notice':
        await act(
          c,
          'notify-breach',
          { letterSentOn: shift(today, -(4 + (k % 18))), reason: 'Référent non présent lors des sessions de certification' },
          `breach-${k}`,
        );
        break;
      case 'cure-passed':
        // BRE-1: the cure period has passed; the engine proposes the termination, the legal team has not decided yet (BRE-4).
        await act(
          c,
          'notify-breach',
          { letterSentOn: shift(today, -(40 + (k % 10))), reason: 'Surveillance insuffisante des sessions' },
          `breach-${k}`,
        );
        break;
      case 'terminated': {
        await act(
          c,
          'notify-breach',
          { letterSentOn: shift(today, -(55 + (k % 20))), reason: 'Manquements répétés au cahier des charges' },
          `breach-${k}`,
        );
        const proposal = await waitForProposal(client, ops, c.organisationId!, 'BRE-1');
        if (proposal === 'ended') break; // terminated by an earlier seed
        if (proposal)
          await act(
            c,
            'confirm-proposal',
            // BRE-4: decided today (never before the proposal, made when the workflow saw the cure period pass).
            { proposalId: proposal, reason: 'Manquement non réparé à l’échéance' },
            `confirm-${k}`,
          );
        else client.refused.push(`terminated ${c.spec.name}: no BRE-1 proposal appeared`);
        break;
      }
      case 'force-majeure':
        await act(c, 'start-force-majeure', { on: shift(today, -(10 + (k % 20))), reason: 'Inondation des locaux' }, `force-majeure-${k}`);
        break;
      case 'terminating':
        await requestTermination(client, ops, c, today);
        break;
    }
  });
  for (const n of agreedNetworks) {
    if (n.state === 'under-notice')
      await act(
        n,
        'notify-breach',
        { letterSentOn: shift(today, -12), reason: 'Liste des centres membres non tenue à jour' },
        `network-breach-${n.index}`,
      );
    if (n.state === 'suspended')
      await act(n, 'suspend', { on: shift(today, -8), reason: 'Contrôle en cours sur deux centres membres' }, `network-suspend-${n.index}`);
  }
  log(`demo portfolio: legal actions taken (${Math.round((Date.now() - started) / 1000)} s)`);

  // --- 7. Statements (BIL-1, BIL-2): sent (late after the 5th), invoiced, paid or not --------------
  const ours = new Set([...centres.map((c) => c.organisationId!), ...agreedNetworks.flatMap((n) => [n.organisationId, ...n.members])]);
  await settleStatements(client, ops, today, parallelism, ours, statementsOpened);
  log(`demo portfolio: statements sent, invoiced and paid (${Math.round((Date.now() - started) / 1000)} s)`);

  // --- 8. Inspectors (VIS-5) and a visit plan (VIS-1, VIS-2) ---------------------------------------
  if (options.visits !== false) await seedInspectors(client, ops, today, options.inspectorEmail, random);

  const centre =
    agreed.find((c) => c.profile === 'active-on-pace' && c.index % 4 === 0) ?? agreed.find((c) => c.profile === 'active-on-pace') ?? null;
  const network = agreedNetworks.find((n) => n.state === 'active') ?? null;
  log(
    `demo portfolio: ready in ${Math.round((Date.now() - started) / 1000)} s${client.refused.length ? `; ${client.refused.length} requests refused by the API` : ''}`,
  );
  for (const r of client.refused.slice(0, 20)) log(`demo portfolio: refused: ${r}`);
  return {
    centreId: incidentCentre?.organisationId ?? centre?.organisationId ?? null,
    networkId: network?.organisationId ?? null,
    organisationIds: [...centres.map((c) => c.organisationId!), ...networks.map((n) => n.organisationId)],
    memberIds: agreedNetworks.flatMap((n) => n.members),
    applicationIds: [...centres.map((c) => c.applicationId!), ...networks.map((n) => n.applicationId)],
    refused: client.refused,
  };
}

/** Walks one application to the step its profile stops at (APP-2..6, DOC-4, APP-3). */
async function walkApplication(client: Client, ops: string, c: Centre, today: string): Promise<void> {
  const id = c.applicationId!;
  const step = (path: string, body: unknown, n: number) =>
    client.call(ops, 'POST', `/applications/${id}/${path}`, body, `application-${c.index}-step-${n}`);
  if (c.profile === 'app-received') return;
  const pieces = [
    { type: 'adhesion-form', filename: 'formulaire-adhesion.pdf' },
    { type: 'referent-cv', filename: 'cv-referent.pdf' },
    { type: 'site-control-procedures', filename: 'procedures-controle.pdf' },
    // DOC-1: a UAI holder sends its legal status; others a proof of legal existence under 3 months (it states the legal form).
    ...(c.spec.kind === 'higher-education'
      ? []
      : c.spec.uai
        ? [{ type: 'legal-status', filename: 'statuts.pdf' }]
        : [{ type: 'proof-of-legal-existence', filename: 'kbis.pdf', issuedOn: shift(today, -20) }]),
  ];
  if (c.profile === 'app-incomplete') {
    // DOC-4: the dossier lacks pieces; the APP-7 clock stops while the applicant holds it.
    await step('pieces', { pieces: pieces.slice(0, 1) }, 0);
    await step('admissibility', { decision: 'incomplete', missingPieces: ['referent-cv', 'site-control-procedures'] }, 1);
    return;
  }
  await step('pieces', { pieces }, 0);
  // APP-7: the complete dossier waits for Pix's admissibility decision, 75 days after its receipt (flagged overdue).
  if (c.profile === 'app-overdue') return;
  const visit = c.profile === 'app-conformity-visit' || c.profile === 'app-visit-done';
  await step('admissibility', { decision: 'admissible', conformityVisitRequired: visit, reason: 'Dossier complet' }, 1);
  if (c.profile === 'app-conformity-visit') return;
  const startOn = shift(today, -c.startDaysAgo);
  if (visit) {
    await step('conformity-visit', { on: shift(today, -3), costEur: 450, compliant: true, reason: 'Locaux conformes' }, 2);
    return;
  }
  if (c.profile === 'app-admissible') return;
  const agreed = AGREED.has(c.profile);
  await step('referent-training', { on: agreed ? shift(startOn, -45) : shift(today, -5) }, 3);
  if (c.profile === 'app-trained') return;
  await step('grant', { years: c.years, reason: 'Dossier conforme au cahier des charges' }, 4);
  if (c.profile === 'app-granted') return;
  await step('adhesion-form', { on: agreed ? shift(startOn, -15) : shift(today, -2) }, 5);
  if (c.profile === 'app-adhesion') return;
  // APP-6: the attestation's receipt starts the agrément, backdated to when the centre received it.
  await step('attestation', { receivedOn: startOn }, 6);
}

/** SES-1: the past sessions in one bulk import, followed to its end; the sessions it refused are reported (never forced). */
async function importSessions(client: Client, ops: string, sessions: Array<Record<string, unknown>>): Promise<void> {
  if (sessions.length === 0) return;
  const job = await client.call(ops, 'POST', '/session-imports?fileName=portfolio-demo.json', sessions, null, []);
  const id = String(job.body.id);
  for (let i = 0; ; i++) {
    const run = (await client.get(ops, `/session-imports/${id}`)).body as { status: string; refused?: number; failure?: unknown };
    if (run.status === 'completed') {
      if (run.refused) client.refused.push(`session import ${id}: ${run.refused} sessions refused (GET /session-imports/${id}/errors)`);
      return;
    }
    if (run.status !== 'running' || i >= 3000) {
      client.refused.push(`session import ${id}: ${run.status} ${JSON.stringify(run.failure ?? null)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The id of the application of the organisation named `name` (one per demo organisation). */
async function applicationNamed(client: Client, ops: string, name: string): Promise<string> {
  for (let offset = 0; ; offset += 500) {
    const page = (await client.get(ops, `/applications?limit=500&offset=${offset}`)).body as {
      items: Array<{ id: string; organisationName: string }>;
    };
    const found = page.items.find((a) => a.organisationName === name);
    if (found) return found.id;
    if (page.items.length < 500) throw new Error(`no application of ${name}`);
  }
}

async function waitForAgrement(client: Client, ops: string, organisationId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await client.get(ops, `/agrements/${organisationId}`, [404])).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the agrément of ${organisationId} was not recorded within a minute`);
}

/** GET /agrements/{id}: the read model's state, and the agrément as its workflow holds it (its proposals, a network's members). */
interface AgrementView {
  state: string;
  agrement: { proposals: Array<{ id: string; ruleId: string }>; network?: { members?: Array<{ organisationId: string }> } | null };
}

/** BRE-4: the id of the open proposal the engine made under `ruleId`, once it is there ('ended': already terminated). */
async function waitForProposal(client: Client, ops: string, organisationId: string, ruleId: string): Promise<string | 'ended' | null> {
  for (let i = 0; i < 300; i++) {
    const a = (await client.get(ops, `/agrements/${organisationId}`)).body as unknown as AgrementView;
    if (a.state === 'terminated') return 'ended';
    const p = a.agrement.proposals.find((x) => x.ruleId === ruleId);
    if (p) return p.id;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/**
 * TER-1: only the centre may terminate for convenience. Operations give its référent an access (DATA-3, as for any
 * centre user) and the centre sends its request, dated when Pix receives it: effective 30 days later.
 */
async function requestTermination(client: Client, ops: string, c: Centre, today: string): Promise<void> {
  const state = ((await client.get(ops, `/agrements/${c.organisationId}`)).body as { state: string }).state;
  if (state !== 'active') return; // already requested (a second start)
  const user = await client.call(
    ops,
    'POST',
    '/users',
    { name: c.spec.referent.name, email: c.spec.referent.email, role: 'centre', organisationId: c.organisationId },
    `user-${c.index}`,
    [400, 409],
  );
  let userId = user.status < 300 ? String(user.body.id) : null;
  if (!userId) {
    const users = (await client.get(ops, '/users')).body as unknown as Array<{ id: string; email: string }>;
    userId = users.find((u) => u.email === c.spec.referent.email)?.id ?? null;
  }
  if (!userId) return void client.refused.push(`termination of ${c.spec.name}: no centre user`);
  const token = await client.call(
    ops,
    'POST',
    `/users/${userId}/tokens`,
    { label: `démonstration ${today}`, lifetimeDays: 1 },
    `user-token-${c.index}-${today}`,
  );
  const secret = String(token.body.token ?? '');
  await client.attempt(
    `request-termination of ${c.spec.name}`,
    secret,
    'POST',
    `/agrements/${c.organisationId}/actions/request-termination`,
    { reason: 'Cessation de l’activité de certification' },
    `terminate-${c.index}`,
  );
}

interface Statement extends ListedStatement {
  state: string;
}

interface ReportedSession {
  organisationId: string;
  date: string;
  status: string;
  price: { pixShareEur: number };
}

/** BIL-1: the statement (`organisationId:month`) a live report opens, as startLateStatements decides it for a finalised paying session. */
function statementOpenedBy(session: ReportedSession, sentAt: Date): string | null {
  const month = session.status === 'finalised' && session.price.pixShareEur > 0 ? monthOpenedLate(session.date, sentAt) : null;
  return month ? `${session.organisationId}:${month}` : null;
}

/** BIL-1, BIL-2: the statements of past months: most sent (late: after the 5th), older ones invoiced, some paid, some not. */
async function settleStatements(
  client: Client,
  ops: string,
  today: string,
  parallelism: number,
  ours: ReadonlySet<string>,
  opened: ReadonlySet<string>,
): Promise<void> {
  // The statements the live reports opened are prepared by their workflows moments later (seconds on a busy worker):
  // wait until every one is listed (waiting for their count to hold still for half a second once left last month's out).
  let items: Statement[] = [];
  let missing: string[] = [];
  const deadline = Date.now() + STATEMENTS_PREPARED_WITHIN_MS;
  for (;;) {
    items = [];
    for (let offset = 0; ; offset += 1000) {
      const page = (await client.get(ops, `/statements?limit=1000&offset=${offset}`)).body as { items: Statement[]; total?: number };
      items.push(...page.items.filter((s) => ours.has(s.organisationId)));
      if (page.items.length < 1000) break; // (a full page: there may be more)
    }
    const listed = new Set(items.map((s) => `${s.organisationId}:${s.month}`));
    missing = [...opened].filter((pair) => !listed.has(pair));
    if (missing.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (missing.length > 0)
    client.refused.push(
      `BIL-1: ${missing.length} statement(s) not prepared within ${STATEMENTS_PREPARED_WITHIN_MS / 1000} s, left out: ${missing.slice(0, 3).join(', ')}`,
    );
  const plan = planStatements(items, new Date(), today);
  const byOrganisation = new Map<string, Statement[]>();
  for (const s of items) byOrganisation.set(s.organisationId, [...(byOrganisation.get(s.organisationId) ?? []), s]);
  // One centre's statements one after the other: sending two of them at once deadlocks in refreshOpenStatements (retried).
  await forEachBounded([...byOrganisation.values()], parallelism, async (list) => {
    for (const s of list) await settle(s, plan.get(s.id)!);
  });
  async function settle(s: Statement, { sent, invoice }: StatementSteps): Promise<void> {
    if (sent && s.state === 'prepared')
      await client.attempt(`statement ${s.id} sent`, ops, 'POST', `/statements/${s.id}/sent`, undefined, `statement-sent-${s.id}`);
    if (!invoice) return;
    const { issuedOn, amountEur, paidOn } = invoice;
    if (s.state === 'prepared' || s.state === 'sent')
      await client.attempt(
        `statement ${s.id} invoiced`,
        ops,
        'POST',
        `/statements/${s.id}/invoice`,
        { issuedOn, amountEur },
        `statement-invoice-${s.id}`,
      );
    if (paidOn)
      await client.attempt(`statement ${s.id} paid`, ops, 'POST', `/statements/${s.id}/payment`, { paidOn }, `statement-paid-${s.id}`);
  }
}

/** VIS-5: inspectors with their areas and availability; VIS-1, VIS-2: a control-visit plan for the coming weeks. */
async function seedInspectors(
  client: Client,
  ops: string,
  today: string,
  inspectorEmail: string | undefined,
  random: () => number,
): Promise<void> {
  const inspectors = [
    {
      kind: 'pix-staff',
      name: 'Nadia Haddad',
      email: inspectorEmail ?? 'nadia.haddad@pix.test',
      departments: ['75', '92', '93', '94', '77', '78', '91', '95'],
      capacity: 8,
    },
    {
      kind: 'pix-staff',
      name: 'Thomas Girard',
      email: 'thomas.girard@pix.test',
      departments: ['69', '38', '42', '01', '63', '73', '74'],
      capacity: 6,
    },
    {
      kind: 'contractor',
      name: 'Sophie Mercier',
      email: 'sophie.mercier@audit-demo.fr',
      departments: ['13', '06', '83', '84', '30', '34'],
      capacity: 5,
    },
    {
      kind: 'contractor',
      name: 'Julien Fournier',
      email: 'julien.fournier@audit-demo.fr',
      departments: ['59', '62', '80', '76', '14', '51'],
      capacity: 5,
    },
    {
      kind: 'pix-staff',
      name: 'Élodie Nguyen',
      email: 'elodie.nguyen@pix.test',
      departments: ['33', '64', '17', '86', '87', '31', '66'],
      capacity: 6,
    },
    {
      kind: 'contractor',
      name: 'Karim Diallo',
      email: 'karim.diallo@audit-demo.fr',
      departments: ['35', '29', '22', '56', '44', '49', '72', '37', '45'],
      capacity: 4,
    },
    {
      kind: 'pix-staff',
      name: 'Claire Leroy',
      email: 'claire.leroy@pix.test',
      departments: ['67', '68', '57', '54', '21', '25', '974', '971', '2A', '2B'],
      capacity: 4,
    },
  ];
  for (const [i, inspector] of inspectors.entries()) {
    const off = Math.floor(random() * 20);
    await client.call(
      ops,
      'POST',
      '/inspectors',
      {
        ...inspector,
        availableFrom: shift(today, -30),
        unavailable: [{ from: shift(today, 14 + off), to: shift(today, 18 + off), reason: 'Congés' }],
      },
      `inspector-${i}`,
      [400, 409],
    );
  }
  const from = shift(today, 7);
  const to = shift(today, 60);
  // A second start does not plan again what is planned (the plan of an earlier day covers the coming weeks too).
  const planned = (await client.get(ops, `/visit-plans?from=${shift(today, -60)}&to=${to}`)).body as { visits?: unknown[] };
  if ((planned.visits?.length ?? 0) === 0)
    await client.attempt('visit plan', ops, 'POST', '/visit-plans', { from, to, announcedShare: 0.7 }, 'visit-plan');
}

/** One session as Pix Certif reports it (SES-1): the centre's room, invigilators and candidates. */
function sessionBody(
  id: string,
  c: Centre,
  date: string,
  candidates: number,
  random: () => number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  void random;
  const people = prng(c.index * 1000 + (Number(date.replace(/-/g, '')) % 997));
  return {
    id,
    organisationId: c.organisationId,
    date,
    startTime: c.index % 2 ? '14:00' : '09:00',
    endTime: c.index % 2 ? '16:45' : '11:45',
    timeZone: c.spec.department === '974' ? 'Indian/Reunion' : c.spec.department === '971' ? 'America/Guadeloupe' : 'Europe/Paris',
    address: `${1 + (c.index % 40)} rue de la République, ${c.spec.town}`,
    room: `Salle informatique ${1 + (c.index % 5)}`,
    thirdPartyVenue: false,
    thirdPartyVenueDetails: null,
    invigilators: [{ ...personName(people), referent: true }],
    public: 'external-private',
    plannedOn: [shift(date, -20), dateIn(new Date(), 'Europe/Paris')].sort()[0],
    publicInformation: null,
    minimumCandidates: null,
    confirmation: null,
    spareComputers: 1,
    candidates: Array.from({ length: candidates }, (_, i) => ({
      localId: `C-${i + 1}`,
      ...personName(people),
      birthDate: `${1975 + Math.floor(people() * 30)}-0${1 + Math.floor(people() * 9)}-1${Math.floor(people() * 9)}`,
      extraTimePercent: 0,
      staffOfCentre: false,
      billing: { mode: 'free-candidate' },
      certifiableCompetences: 9,
      previousSessionDate: null,
    })),
    ...extra,
  };
}
