import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/access/domain/roles';
import { seedPortfolio, type PortfolioResult } from '../../src/seed/portfolio';
import { seedDemoUsers } from '../../src/seed/users';
import type { RunningSystem } from '../../src/system';
import { everyItem, requestJson, type Json } from '../support/http';
import { type ScratchSystem, startScratchSystem } from '../support/scratch-system';
import { until } from '../support/waiting';

/**
 * The demo portfolio (`./dev start`, src/seed/portfolio.ts) seeded through the API of the system as `./dev start`
 * runs it (the Temporal CLI dev server, a database of its own), on a smaller size: the same code reaches every
 * agrément state, every step of the procedure, sessions finalised late (SES-10) and owing a remedy (SES-12),
 * proposals waiting for the legal team (BRE-4) and statements sent late and unpaid (BIL-1, BIL-2); a second seed adds
 * nothing. (On the time-skipping test server, the long backdated histories met its "invalid history builder state".)
 */
let system: RunningSystem;
let tokens: Record<Role, string>;
let scratch: ScratchSystem;
let api: string;
let ops: string;

beforeAll(async () => {
  scratch = await startScratchSystem({ name: 'portfolio' });
  system = scratch.system;
  tokens = await seedDemoUsers(system.db);
  api = system.urls.api;
  ops = tokens.operations;
}, 15 * 60_000);

afterAll(async () => {
  await scratch?.stop();
});

const get = async (path: string, token = ops): Promise<Json> => (await requestJson(`${api}${path}`, 'GET', { token })).body;

describe('the demo portfolio', () => {
  it('reaches every state through the API, and a second seed duplicates nothing', async () => {
    const legal = tokens.legal;
    const prefix = `t${randomUUID().slice(0, 8)}-`;
    const seed = () => seedPortfolio(api, { centres: 25, prefix, tokens: { operations: ops, legal }, visits: false }, () => undefined);
    const first: PortfolioResult = await seed();
    const ids = new Set(first.organisationIds);

    // AGR-1, SUS-1, BRE-1, TER-1, TER-3, TER-5, AGR-4: agréments in every state.
    const agrements = (await everyItem(get, '/agrements')).filter((a) => ids.has(a.organisationId));
    const states = new Set(agrements.map((a) => a.state as string));
    for (const state of ['active', 'suspended', 'under-notice', 'terminating', 'terminated', 'expired', 'force-majeure'])
      expect(states, state).toContain(state);

    // APP-2..6, DOC-4, APP-3: applications at every step of the procedure.
    const applicationIds = new Set(first.applicationIds);
    const applications = (await everyItem(get, '/applications')).filter((a) => applicationIds.has(a.id));
    const byState = new Map<string, number>();
    for (const a of applications) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
    for (const state of ['submitted', 'incomplete', 'admissible', 'referent-trained', 'granted', 'adhesion-received', 'attestation-issued'])
      expect(byState.get(state) ?? 0, state).toBeGreaterThan(0);
    // APP-7: one application received 75 days ago (a paper file registered late, receivedOn) is flagged past its 2 months.
    const overdue = await until(
      async () => (await everyItem(get, '/applications?overdue=true')).filter((a) => applicationIds.has(a.id)),
      (list) => list.length > 0,
    );
    expect(overdue[0].netElapsedMs).toBeGreaterThan(60 * 86_400_000);

    // BRE-4: proposals waiting for the legal team (a cure period passed, a badge missing).
    const withProposals = await Promise.all(
      agrements.filter((a) => a.state !== 'terminated' && a.state !== 'expired').map((a) => get(`/agrements/${a.organisationId}`)),
    );
    const proposals = withProposals.flatMap((a) => a.agrement.proposals as Array<{ ruleId: string }>);
    expect(proposals.map((p) => p.ruleId)).toEqual(expect.arrayContaining(['BRE-1', 'REF-3']));

    // REF-3: centres backdated past their 6 months whose référent showed the badge in time have the deadline met (the
    // badge recorded after the engine judged it still meets it); the 'badge-missing' ones, never recorded, missed it.
    const badges = (await Promise.all(agrements.map((a) => get(`/agrements/${a.organisationId}`)))).flatMap((a) =>
      (a.ledger as Array<{ name: string; on: string; outcome: string }>)
        .filter((e) => e.name === 'badge-due' && (e.outcome === 'met' || e.outcome === 'missed'))
        .map((e) => ({ outcome: e.outcome, shown: (a.agrement.referent as { badgeObtainedOn: string | null }).badgeObtainedOn })),
    );
    expect(badges.filter((b) => b.shown).length).toBeGreaterThan(0);
    for (const b of badges.filter((x) => x.shown)) expect(b.outcome, `badge shown ${b.shown}`).toBe('met');
    expect(badges.filter((b) => !b.shown).length).toBeGreaterThan(0);
    for (const b of badges.filter((x) => !x.shown)) expect(b.outcome).toBe('missed');

    // SES-1, SES-10, SES-12: past sessions finalised (some late), planned ones, one incident owing a remedy.
    const sessions = (await everyItem(get, '/sessions')).filter((s) => String(s.id).startsWith(prefix));
    expect(sessions.filter((s) => s.status === 'finalised').length).toBeGreaterThan(20);
    expect(sessions.filter((s) => s.status === 'planned').length).toBeGreaterThan(5);
    expect(first.refused).toEqual([]);

    // BIL-1, BIL-2: statements sent, invoiced, paid, and some left unsent, the network members' with the others (the
    // seed waits until the statements its live reports opened are prepared).
    const withMembers = new Set([...ids, ...first.memberIds]);
    const statementsOf = async () => (await everyItem(get, '/statements')).filter((s) => withMembers.has(s.organisationId));
    const statements = await statementsOf();
    const statementStates = new Map<string, number>();
    for (const s of statements) statementStates.set(s.state as string, (statementStates.get(s.state as string) ?? 0) + 1);
    for (const state of ['prepared', 'sent', 'invoiced', 'paid'])
      expect(statementStates.get(state) ?? 0, `${state} in ${JSON.stringify(Object.fromEntries(statementStates))}`).toBeGreaterThan(0);

    // Idempotent: the same seed again adds no application, agrément, session or statement.
    const second = await seed();
    expect(second.organisationIds).toEqual(first.organisationIds);
    expect((await everyItem(get, '/sessions')).filter((s) => String(s.id).startsWith(prefix)).length).toBe(sessions.length);
    // BIL-1: one statement per centre and month, however many seeds (more months may have been prepared meanwhile).
    const again = await statementsOf();
    expect(new Set(again.map((s) => `${s.organisationId}:${s.month}`)).size).toBe(again.length);
    expect(again.map((s) => s.id)).toEqual(expect.arrayContaining(statements.map((s) => s.id)));
    expect((await everyItem(get, '/agrements')).filter((a) => ids.has(a.organisationId)).length).toBe(agrements.length);
  }, 600_000);
});
