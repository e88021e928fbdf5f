import { describe, expect, it } from 'vitest';
import type { AgrementEvent } from '../../../../../src/agrement/domain/model';
import { logRecords, SESSION_COUNTED } from '../../../../../src/agrement/domain/procedures/quota';

const counted = (sessionId: string, candidates: number, total: number, isCounted = true): AgrementEvent => ({
  type: SESSION_COUNTED,
  ruleIds: ['QUO-3'],
  from: 'active',
  to: 'active',
  data: { sessionId, sessionDate: '2026-03-02', candidates, counted: isCounted, total },
});
const other = (type: string): AgrementEvent => ({ type, ruleIds: ['QUO-3'], from: 'active', to: 'active', data: { target: 600 } });

describe('QUO-3 counted sessions in the audit log (logRecords)', () => {
  it('QUO-3 a run of sessions counted in a row is one entry listing them, with the total after the last', () => {
    const records = logRecords([counted('S-1', 12, 12), counted('S-2', 30, 42, false), counted('S-3', 8, 50)]);
    expect(records).toEqual([
      {
        offset: 0,
        event: {
          type: SESSION_COUNTED,
          ruleIds: ['QUO-3'],
          from: 'active',
          to: 'active',
          data: {
            sessions: [
              { sessionId: 'S-1', sessionDate: '2026-03-02', candidates: 12, counted: true },
              { sessionId: 'S-2', sessionDate: '2026-03-02', candidates: 30, counted: false },
              { sessionId: 'S-3', sessionDate: '2026-03-02', candidates: 8, counted: true },
            ],
            counted: true,
            candidates: 20,
            total: 50,
          },
        },
      },
    ]);
  });

  it('QUO-3 a session counted alone, and every other event, stays one entry of its own, in order, keyed by its offset', () => {
    const alone = counted('S-9', 40, 640);
    const reached = other('quota-reached');
    const records = logRecords([alone, reached, counted('S-10', 1, 641), counted('S-11', 2, 643), other('proposal-withdrawn')]);
    expect(records.map((r) => [r.offset, r.event.type, (r.event.data.sessions as unknown[] | undefined)?.length ?? null])).toEqual([
      [0, SESSION_COUNTED, null],
      [1, 'quota-reached', null],
      [2, SESSION_COUNTED, 2],
      [4, 'proposal-withdrawn', null],
    ]);
    expect(records[0]!.event).toBe(alone);
    expect(records[1]!.event).toBe(reached);
  });

  it('QUO-3 a run of sessions none of which counts (held after the window) records none counted', () => {
    const [record] = logRecords([counted('S-1', 12, 600, false), counted('S-2', 30, 600, false)]);
    expect(record!.event.data).toMatchObject({ counted: false, candidates: 0, total: 600 });
  });

  it('no events, no entries', () => expect(logRecords([])).toEqual([]));
});
