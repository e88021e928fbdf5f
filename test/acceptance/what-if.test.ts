import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { readStream } from '../../src/shared/event-log/event-log';
import type { TimelineEntry } from '../../src/agrement/simulation/simulate';
import { agrementStateQuery } from '../../src/agrement/workflows/definitions';
import { runningAgrement } from '../support/agrement-fixtures';
import { createHarness, type Harness, receivedMail, serveApi } from '../support/harness';
import { type Json, requestJson } from '../support/http';

/** POST /agrements/{id}/what-if (issue 10 §3): a what-if from a real agrément's current state, through the API. */
let h: Harness;
let app: INestApplication;
let api: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const today = () => dateIn(new Date(), 'Europe/Paris');
const plus = (days: number) => isoDate(addDays(parseIsoDate(today()), days));
const pick = (entries: TimelineEntry[], kind: TimelineEntry['kind'], name: string) =>
  entries.filter((e) => e.kind === kind && e.name === name).map((e) => e.on);
const whatIf = async (id: string, body: unknown, role: 'legal' | 'operations' | 'centre' = 'legal', organisationId?: string) =>
  requestJson(`${api}/agrements/${id}/what-if`, 'POST', { token: await h.tokenFor(role, organisationId), body });

describe('what-if from a real agrément', () => {
  it('BRE-2 BRE-4 suspended 10 days ago, the letter sent today: cure due today + 30 − 10, termination proposed the day after, confirmable the next; nothing real changes', async () => {
    const { start, handle, act } = await runningAgrement(h, plus(-90));
    const id = start.agrementId;
    await act({ type: 'suspended', on: plus(-10), reason: 'Fraude signalée par trois candidats' });
    // The suspension is recorded and its e-mail delivered: nothing real is in flight when the what-if runs.
    await receivedMail(h.smtp, (m) => m.template === 'agrement-suspended' && m.to.includes(start.email));
    // …and the notice of the planned sessions it affects (SUS-2), queued after it, delivered too.
    await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(start.email));
    await h.mailSettled();
    const real = async () => ({
      workflowVersion: (await handle.query(agrementStateQuery)).version,
      readModel: (await requestJson(`${api}/agrements/${id}`, 'GET', { token: await h.tokenFor('legal') })).body.agrement as Json,
      log: (await readStream(h.db, 'agrement', id)).map((e) => e.type),
      mail: h.smtp.messages().length,
    });
    const before = await real();
    expect(before.readModel.state).toBe('suspended');
    expect(before.log.at(-1)).toBe('suspended');

    // Given out of order: sorted by date, so the letter comes first.
    const res = await whatIf(id, {
      until: plus(40),
      events: [
        { on: plus(22), type: 'termination.confirmed', reason: 'pas de correction' },
        { on: today(), type: 'breach.notified', reason: 'Surveillance insuffisante' },
      ],
    });
    expect(res.status).toBe(200);
    const timeline = res.body as unknown as TimelineEntry[];
    expect(pick(timeline, 'state', 'under-notice')).toEqual([today()]);
    expect(
      timeline
        .filter((e) => e.kind === 'deadline')
        .map((e) => ({ on: e.on, name: e.name, rule: e.rule, outcome: e.outcome, outcomeOn: e.outcomeOn })),
    ).toEqual([{ on: plus(20), name: 'cure-due', rule: 'BRE-1', outcome: 'missed', outcomeOn: plus(20) }]);
    expect(timeline.find((e) => e.name === 'cure-due')!.outcomeBy).toContain('termination-proposed');
    expect(pick(timeline, 'proposal', 'termination-proposed')).toEqual([plus(21)]);
    expect(pick(timeline, 'state', 'terminated')).toEqual([plus(22)]);
    expect(timeline.filter((e) => e.kind === 'email').map((e) => `${e.on} ${e.name} → ${e.to}`)).toEqual([
      `${today()} breach-notice → centre`,
      `${plus(21)} termination-proposed → legal`,
      `${plus(22)} agrement-terminated → centre`,
    ]);
    expect(timeline.map((e) => e.at)).toEqual([...timeline.map((e) => e.at)].sort());

    // Nothing real changed: the workflow, the read model, the event log and the mail are as before.
    const after = await real();
    expect(after).toEqual(before);
    expect(h.smtp.messages().filter((m) => m.template === 'breach-notice' && m.to.includes(start.email))).toEqual([]);
  });

  it('400 names the field (events[i].on before today or after until, an attestation, until beyond the horizon), 409 names the rule of a refused event, 403 to a centre, 404 to an unknown agrément', async () => {
    const { start } = await runningAgrement(h, plus(-30));
    const id = start.agrementId;
    const letter = { on: today(), type: 'breach.notified' };
    const field = async (body: unknown, role: 'legal' | 'operations' = 'legal') => {
      const r = await whatIf(id, body, role);
      expect(r.status).toBe(400);
      return r.body.field as string;
    };
    expect(await field({ until: plus(40), events: [letter, { on: plus(-1), type: 'breach.cured' }] })).toBe('events[1].on');
    // Operations may run a what-if too: their malformed body gets the same 400.
    expect(await field({ until: plus(10), events: [{ on: plus(11), type: 'breach.cured' }, letter] }, 'operations')).toBe('events[0].on');
    expect(await field({ until: plus(40), events: [{ on: today(), type: 'attestation.received' }] })).toBe('events[0].type');
    expect(await field({ until: plus(-1), events: [] })).toBe('until');
    expect(await field({ until: isoDate(addDays(parseIsoDate(today()), 7 * 366)), events: [letter] })).toBe('until');
    expect(await field({ until: '9999-12-31', events: [letter] })).toBe('until');

    expect((await whatIf(id, { until: plus(40), events: [letter] }, 'centre', start.organisationId)).status).toBe(403);
    expect((await whatIf('5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f', { until: plus(40), events: [letter] })).status).toBe(404);
    expect((await whatIf('not-a-uuid', { until: plus(40), events: [letter] })).body.field).toBe('id');
    // SUS-4: a hypothetical event the agrément refuses is a 409 naming the rule and the event.
    const refused = await whatIf(id, { until: plus(10), events: [letter, { on: plus(1), type: 'suspension.lifted' }] });
    expect(refused.status).toBe(409);
    expect(refused.body.rule).toBe('SUS-4');
    expect(refused.body.message).toContain('events[1] (suspension.lifted)');
    // Nothing was sent to the real workflow.
    expect((await readStream(h.db, 'agrement', id)).map((e) => e.type)).toEqual(['agrement-started']);
  });

  it('is described in the OpenAPI document, its body with the event vocabulary minus attestation.received', async () => {
    const doc = (await (await fetch(`${api}/docs-json`)).json()) as Json;
    const op = doc.paths['/agrements/{id}/what-if'].post;
    expect(op.description).toContain('outcome');
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['until']);
    expect(schema.properties.events.items.properties.type.enum).toContain('breach.notified');
    expect(schema.properties.events.items.properties.type.enum).not.toContain('attestation.received');
  });
});
