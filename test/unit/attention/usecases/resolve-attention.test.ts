import { describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../../../src/attention/usecases/attention';
import { resolveAttentionIn } from '../../../../src/attention/usecases/attention';
import type { AttentionRepository } from '../../../../src/attention/usecases/ports';
import { InvalidCommand, NotFound } from '../../../../src/shared/domain/errors';

/** Operations resolving an item of the attention list, over an in-memory repository. */

const NOW = new Date('2026-03-02T09:00:00Z');

const item = (overrides: Partial<AttentionItem> = {}): AttentionItem => ({
  id: 'item-1',
  kind: 'email-undelivered',
  workflowId: 'agrement-org-1',
  workflowType: 'agrementWorkflow',
  runId: null,
  activityType: 'sendEmail',
  errorType: 'SmtpRejected',
  errorMessage: '550 mailbox unavailable',
  action: 'Corriger l’adresse.',
  details: {},
  attempts: 3,
  occurrences: 2,
  firstSeenAt: '2026-03-01T08:00:00.000Z',
  lastSeenAt: '2026-03-01T09:00:00.000Z',
  resolvedAt: null,
  resolvedBy: null,
  resolution: null,
  ...overrides,
});

function inMemory(items: AttentionItem[]) {
  const rows = new Map(items.map((i) => [i.id, { ...i }]));
  const log = {
    locked: [] as Array<{ id: string; inTransaction: boolean }>,
    resolutions: [] as Array<{ id: string; occurrences: number; actor: string; reason: string; at: Date }>,
  };
  const repository = (inTransaction: boolean): AttentionRepository => ({
    record: async () => undefined,
    resolveAutomatically: async () => false,
    list: async () => ({ total: rows.size, items: [...rows.values()] }),
    find: async (id) => rows.get(id) ?? null,
    async lock(id) {
      log.locked.push({ id, inTransaction });
      return rows.get(id) ?? null;
    },
    async markResolved(i, { at, actor, reason }) {
      log.resolutions.push({ id: i.id, occurrences: i.occurrences, actor, reason, at });
      rows.set(i.id, { ...i, resolvedAt: at.toISOString(), resolvedBy: actor, resolution: reason });
    },
    transaction: (work) => work(repository(true)),
  });
  return { repository: repository(false), log };
}

describe('resolving an item of the attention list', () => {
  it('marks the item resolved by the person, with their reason, the item locked in the transaction', async () => {
    const { repository, log } = inMemory([item()]);
    const resolved = await resolveAttentionIn(repository, 'item-1', { reason: '  Adresse corrigée avec le centre.  ' }, 'ops@pix.fr', NOW);
    expect(log.locked).toEqual([{ id: 'item-1', inTransaction: true }]);
    expect(log.resolutions).toEqual([
      { id: 'item-1', occurrences: 2, actor: 'ops@pix.fr', reason: 'Adresse corrigée avec le centre.', at: NOW },
    ]);
    expect(resolved).toMatchObject({
      resolvedAt: NOW.toISOString(),
      resolvedBy: 'ops@pix.fr',
      resolution: 'Adresse corrigée avec le centre.',
    });
  });

  it('an item already resolved is answered as it stands, and nothing is written (a retried request)', async () => {
    const done = item({ resolvedAt: '2026-03-01T10:00:00.000Z', resolvedBy: 'system', resolution: 'Courriel envoyé à la tentative 4.' });
    const { repository, log } = inMemory([done]);
    expect(await resolveAttentionIn(repository, 'item-1', { reason: 'déjà fait' }, 'ops@pix.fr', NOW)).toEqual(done);
    expect(log.resolutions).toEqual([]);
  });

  it('a reason is required, before anything is read', async () => {
    const { repository, log } = inMemory([item()]);
    await expect(resolveAttentionIn(repository, 'item-1', { reason: '   ' }, 'ops@pix.fr', NOW)).rejects.toBeInstanceOf(InvalidCommand);
    expect(log.locked).toEqual([]);
  });

  it('an unknown item is not found', async () => {
    const { repository } = inMemory([]);
    await expect(resolveAttentionIn(repository, 'item-9', { reason: 'fait' }, 'ops@pix.fr', NOW)).rejects.toBeInstanceOf(NotFound);
  });
});
