import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidCommand } from '../../src/shared/domain/errors';
import { parseScenario } from '../../src/agrement/simulation/scenario';
import { simulate, type TimelineEntry } from '../../src/agrement/simulation/simulate';

const example = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'examples', name), 'utf8'));
const pick = (entries: TimelineEntry[], kind: TimelineEntry['kind'], name: string) =>
  entries.filter((e) => e.kind === kind && e.name === name).map((e) => e.on);

describe('what-if timelines: the production agrément workflow on the time-skipping server', () => {
  it('BRE-2 BRE-4 a letter sent 2026-03-10 after 10 days of suspension: cure due 2026-03-30, termination proposed and confirmed on 2026-03-31', async () => {
    const entries = await simulate(parseScenario(example('breach-after-suspension.json')), () => undefined);
    expect(pick(entries, 'state', 'active')).toEqual(['2025-01-31']);
    expect(pick(entries, 'state', 'suspended')).toEqual(['2026-02-28']);
    expect(pick(entries, 'state', 'under-notice')).toEqual(['2026-03-10']);
    expect(pick(entries, 'deadline', 'cure-due')).toEqual(['2026-03-30']);
    // Issue 10 §3: each deadline once, with its outcome from the ledger — also those met in time (REF-3 badge obtained early).
    const deadline = (name: string) =>
      entries
        .filter((e) => e.kind === 'deadline' && e.name === name)
        .map((e) => ({ on: e.on, outcome: e.outcome, outcomeOn: e.outcomeOn, outcomeBy: e.outcomeBy }));
    expect(deadline('cure-due')).toEqual([
      { on: '2026-03-30', outcome: 'missed', outcomeOn: '2026-03-30', outcomeBy: expect.stringContaining('termination-proposed') },
    ]);
    expect(deadline('badge-due')).toEqual([{ on: '2025-07-31', outcome: 'met', outcomeOn: '2025-05-15', outcomeBy: 'badge-obtained' }]);
    expect(deadline('badge-reminder').map((d) => d.outcome)).toEqual(['cancelled', 'cancelled']);
    const keys = entries.filter((e) => e.kind === 'deadline').map((e) => `${e.name} ${e.on}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(pick(entries, 'proposal', 'termination-proposed')).toEqual(['2026-03-31']);
    expect(pick(entries, 'state', 'terminated')).toEqual(['2026-03-31']);
    expect(pick(entries, 'email', 'breach-notice')).toEqual(['2026-03-10']);
    // One entry per e-mail, saying who receives it: the REF-4 and QUO-3 warnings go to the centre and to operations.
    expect(entries.filter((e) => e.kind === 'email').map((e) => `${e.on} ${e.name} → ${e.to}`)).toEqual([
      '2025-12-02 referent-contribution-warning → centre',
      '2025-12-02 referent-contribution-warning → operations',
      '2026-01-31 quota-warning → centre',
      '2026-01-31 quota-warning → operations',
      '2026-02-28 agrement-suspended → centre',
      '2026-03-10 breach-notice → centre',
      '2026-03-31 termination-proposed → legal',
      '2026-03-31 agrement-terminated → centre',
    ]);
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort());
  });

  it('AGR-2 AGR-4 REF-3 TER-3 a centre that never renews: badge, checkpoints, renewal deadline, expiry at the term; force majeure is its own state, not a suspension', async () => {
    const entries = await simulate(parseScenario(example('expiry-with-force-majeure.json')), () => undefined);
    expect(pick(entries, 'deadline', 'badge-due')).toEqual(['2025-07-31']);
    expect(pick(entries, 'deadline', 'quota-checkpoint')).toEqual(['2026-01-31', '2027-01-31', '2027-07-31']);
    expect(pick(entries, 'deadline', 'renewal-request-due')).toEqual(['2027-10-31']);
    expect(pick(entries, 'state', 'force-majeure')).toEqual(['2026-04-01']);
    expect(pick(entries, 'state', 'suspended')).toEqual([]);
    expect(pick(entries, 'state', 'active')).toEqual(['2025-01-31', '2026-04-20']);
    expect(pick(entries, 'state', 'expired')).toEqual(['2028-01-31']);
    expect(pick(entries, 'proposal', 'breach-notice-proposed')).toEqual(['2025-08-01']);
  });

  it('a malformed scenario is refused, naming the event and the field', () => {
    const bad = example('breach-after-suspension.json');
    bad.events[3].candidates = -5;
    expect(() => parseScenario(bad)).toThrow(InvalidCommand);
    expect(() => parseScenario(bad)).toThrow('events[3].candidates (sessions.finalised)');
    expect(() => parseScenario({ ...bad, until: '2026-13-01' })).toThrow('until');
  });
});

describe('what-if timelines through the API', () => {
  it('POST /simulations answers the timeline to the legal team, 400 naming the field to a malformed scenario, 403 to a centre', async () => {
    const { createHarness } = await import('../support/harness');
    const { createApp } = await import('../../src/http/create-app');
    const h = await createHarness();
    void h.run(async () => undefined);
    const app = await createApp(
      { applications: { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() } },
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    try {
      const api = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const post = async (body: unknown, role: 'legal' | 'centre') =>
        fetch(`${api}/simulations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await h.tokenFor(role)}` },
          body: JSON.stringify(body),
        });
      // Issue 10 §3: events in any order, sorted by date (the attestation given last still opens the scenario).
      const shuffled = example('breach-after-suspension.json');
      shuffled.events.reverse();
      const ok = await post(shuffled, 'legal');
      expect(ok.status).toBe(200);
      const timeline = (await ok.json()) as TimelineEntry[];
      expect(pick(timeline, 'state', 'under-notice')).toEqual(['2026-03-10']);
      expect(pick(timeline, 'deadline', 'cure-due')).toEqual(['2026-03-30']);
      expect(pick(timeline, 'state', 'terminated')).toEqual(['2026-03-31']);
      const bad = await post({ ...example('breach-after-suspension.json'), until: 'soon' }, 'legal');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { field: string }).field).toBe('until');
      expect((await post(example('breach-after-suspension.json'), 'centre')).status).toBe(403);
    } finally {
      await app.close();
      await h.close();
    }
  });
});
