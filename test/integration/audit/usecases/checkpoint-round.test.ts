import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { auditCheckpoints, CHECKPOINT_JOB } from '../../../../src/audit/usecases/checkpoint-round';
import { readCheckpoints } from '../../../../src/shared/event-log/checkpoints';
import { appendToLog, verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { parseAuditKeys } from '../../../../src/shared/event-log/keys';
import { configureAudit } from '../../../../src/shared/event-log/settings';
import { suspensionLogEntry } from '../../../support/fixtures';
import { type ScratchDatabase, scratchDatabase } from '../../../support/scratch-database';

/**
 * Issue 15 (docs/adr/0005), issue 12: two replicas write the audit log's checkpoints to one sink (a shared
 * volume) from one database. Under the job's lock they never both sign the same head, nor two heads from
 * the same previous checkpoint: the sink holds one chain of checkpoints, each further along the log. A
 * database of the test's own: a checkpoint pins the whole log.
 */
const KEYS = parseAuditKeys(`k1:${Buffer.from('the audit key of the replicas test'.padEnd(32, '.')).toString('base64')}`, 'k1');
let scratch: ScratchDatabase;
let dbA: DataSource;
let dbB: DataSource;
let dir: string;
let at = Date.parse('2026-12-01T09:00:00Z');
const errors: unknown[] = [];
const writer = (db: DataSource) =>
  auditCheckpoints(
    { db, operationsEmail: 'ops@pix.test', legalEmail: 'juridique@pix.test', now: () => new Date(at) },
    (e) => errors.push(e),
    {
      tickMs: null,
    },
  );
async function append(db: DataSource, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await db.transaction((m) =>
      appendToLog(m, [suspensionLogEntry({ eventKey: `checkpoint-replicas:${randomUUID()}`, occurredAt: new Date(at) })]),
    );
}
const checkpoints = async () => (await readCheckpoints(dir)).map((f) => f.checkpoint!);

beforeAll(async () => {
  scratch = await scratchDatabase('checkpoints');
  dbA = await scratch.replica();
  dbB = await scratch.replica();
  dir = mkdtempSync(path.join(tmpdir(), 'pix-checkpoints-replicas-'));
  configureAudit({ keyring: KEYS, checkpointDir: dir });
});
afterAll(async () => {
  configureAudit({ keyring: undefined, checkpointDir: undefined });
  await scratch?.drop();
});

describe('issue 15: audit checkpoints with two writers', () => {
  it('rounds at once on both replicas (start and stop rounds, whatever the period) write one checkpoint per head, never two from the same previous one', async () => {
    const a = writer(dbA);
    const b = writer(dbB);
    try {
      for (let i = 0; i < 6; i++) {
        await append(i % 2 ? dbA : dbB, 2);
        const outcomes = await Promise.all([a.round({ anyPeriod: true }), b.round({ anyPeriod: true })]);
        expect(outcomes).toContain('ran');
        expect(await checkpoints()).toHaveLength(i + 1);
      }
      const all = await checkpoints();
      expect(new Set(all.map((c) => c.headId)).size).toBe(6);
      expect(all.map((c) => c.count).sort((x, y) => x - y)).toEqual([2, 4, 6, 8, 10, 12]);
      expect(await verifyLogChain(dbA)).toMatchObject({ valid: true, checked: 12, checkpoints: { checked: 6 } });
      expect(errors).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('periodic rounds: one checkpoint per period across the replicas, recorded with who wrote it', async () => {
    const a = writer(dbA);
    const b = writer(dbB);
    try {
      const before = readdirSync(dir).length;
      at += PARAMETERS.audit.checkpointIntervalMinutes * 60_000;
      await append(dbA, 1);
      expect(await a.round()).toBe('ran');
      await append(dbB, 1);
      // The same period, the log grew: still nothing until the next period.
      expect(await b.round()).toBe('done');
      expect(readdirSync(dir)).toHaveLength(before + 1);
      at += PARAMETERS.audit.checkpointIntervalMinutes * 60_000;
      expect(await b.round()).toBe('ran');
      expect(await a.round()).toBe('done');
      expect(readdirSync(dir)).toHaveLength(before + 2);
      const rows = (await dbA.query(`SELECT runner FROM periodic_job_runs WHERE job = $1 ORDER BY period DESC LIMIT 2`, [
        CHECKPOINT_JOB,
      ])) as Array<{
        runner: string;
      }>;
      expect(rows.map((r) => r.runner)).toEqual([b.runner, a.runner]);
      expect(await verifyLogChain(dbA)).toMatchObject({ valid: true, checked: 14, checkpoints: { checked: 8 } });
      expect(errors).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
