import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotFound, TransitionRefused } from '../../../../../src/shared/domain/errors';
import type { SessionCentre } from '../../../../../src/sessions/domain/session';
import type {
  DraftContent,
  NoticeKind,
  PendingNotice,
  PlannedSession,
  RuleSetNoticeChannels,
  RuleSetVersionRecord,
  RuleSetVersionsRepository,
} from '../../../../../src/sessions/usecases/rule-sets/ports';
import {
  addDraft,
  deliverPendingNotices,
  draftOf,
  editDraft,
  impactOf,
  publishDraft,
} from '../../../../../src/sessions/usecases/rule-sets/rule-set-versions';
import { sessionReport } from '../../../../support/session-fixtures';
import ses2027 from '../../../../fixtures/rules/ses-2027-01.rules.json';

// AGR-5, AGR-6 use cases over an in-memory port: what is refused, what is published and notified, no PostgreSQL nor Temporal.
const NOW = new Date('2126-03-02T09:00:00Z');
const now = () => NOW;

/** The 2027 fixture (15 candidates per invigilator) under a label and an effective date of its own. */
function draftInput(version: string, effectiveFrom: string, substantial = true) {
  const { effectiveFrom: _e, ...rules } = structuredClone(ses2027) as Record<string, unknown>;
  return { rules: { ...rules, version }, effectiveFrom, substantial, summary: '  15 candidats par surveillant au plus.  ' };
}

function memoryVersions(sessions: PlannedSession[] = [], notices: PendingNotice[] = []) {
  const versions = new Map<string, RuleSetVersionRecord>();
  const published: Array<{ id: string; noticeKind: NoticeKind; agrementStates: readonly string[]; publishedOn: string }> = [];
  const delivered = new Set<string>();
  const failed = new Map<string, string>();
  const record = (
    id: string,
    d: Omit<DraftContent, 'ruleSet'> & { ruleSet?: string },
    actor: string,
    at: Date,
    createdAt = at,
  ): RuleSetVersionRecord => ({
    id,
    ruleSet: d.ruleSet ?? 'sessions',
    version: d.version,
    effectiveFrom: d.effectiveFrom,
    substantial: d.substantial,
    summary: d.summary,
    rules: d.rules,
    status: 'draft',
    createdBy: actor,
    createdAt,
    updatedBy: actor,
    updatedAt: at,
    publishedOn: null,
    publishedBy: null,
    publishedAt: null,
  });
  const repo: RuleSetVersionsRepository = {
    findVersion: async (id) => versions.get(id) ?? null,
    listVersions: async (status) => [...versions.values()].filter((v) => !status || v.status === status),
    otherVersionLabelled: async (version, exceptId) =>
      [...versions.values()].find((v) => v.version === version && v.id !== exceptId)?.id ?? null,
    insertDraft: async (id, draft, actor, at) => void versions.set(id, record(id, draft, actor, at)),
    updateDraft: async (id, draft, actor, at) => void versions.set(id, record(id, draft, actor, at, versions.get(id)!.createdAt)),
    publishedSessionRules: async () =>
      [...versions.values()].filter((v) => v.status === 'published').map((v) => ({ id: v.id, rules: v.rules })),
    lockPublications: async () => {},
    publish: async (v, { publishedOn, actor, at, noticeKind, agrementStates }) => {
      versions.set(v.id, { ...versions.get(v.id)!, status: 'published', publishedOn, publishedBy: actor, publishedAt: at });
      published.push({ id: v.id, noticeKind, agrementStates, publishedOn });
      return notices.length;
    },
    noticeCounts: async () => [],
    pendingNotices: async () => notices.filter((n) => !delivered.has(n.agrementId)),
    deliveredNoticeCount: async () => delivered.size,
    markNoticeDelivered: async (_id, agrementId) => {
      delivered.add(agrementId);
      failed.delete(agrementId);
    },
    markNoticeFailed: async (_id, agrementId, error) => void failed.set(agrementId, error),
    plannedSessions: async (from, until) => sessions.filter((s) => s.date >= from && (until === null || s.date < until)),
  };
  return { repo, versions, published, delivered, failed };
}

/** Drafts then publishes a version (its effective date a year after NOW, so the notice period holds). */
async function published(repo: RuleSetVersionsRepository, version: string, effectiveFrom: string, substantial = true) {
  const draft = await addDraft(repo, randomUUID(), draftOf(draftInput(version, effectiveFrom, substantial)), 'ops', now);
  return publishDraft(repo, draft.id, 'ops', NOW);
}

describe('AGR-6 drafts', () => {
  it('AGR-6 a draft gives its effective date once, and its rule file must load (400 naming the field)', () => {
    const input = draftInput('2126-a', '2126-06-01');
    expect(() => draftOf({ ...input, rules: { ...input.rules, effectiveFrom: '2126-07-01' } })).toThrow(
      expect.objectContaining({ field: 'rules.effectiveFrom' }),
    );
    expect(() => draftOf({ ...input, rules: { ...input.rules, ruleSet: 'dossier' } })).toThrow(expect.objectContaining({ field: 'rules' }));
    expect(draftOf(input)).toMatchObject({
      ruleSet: 'sessions',
      version: '2126-a',
      effectiveFrom: '2126-06-01',
      summary: '15 candidats par surveillant au plus.',
    });
  });

  it("AGR-6 a version label is the engine's own cahier or another version's: refused", async () => {
    const { repo, versions } = memoryVersions();
    await expect(addDraft(repo, randomUUID(), draftOf(draftInput('2020-01', '2126-06-01')), 'ops', now)).rejects.toMatchObject({
      ruleId: 'AGR-6',
    });
    const first = await addDraft(repo, randomUUID(), draftOf(draftInput('2126-b', '2126-06-01')), 'ops', now);
    expect(first).toMatchObject({ ruleSetId: 'sessions@2126-b', status: 'draft', rules: expect.any(Object) });
    await expect(addDraft(repo, randomUUID(), draftOf(draftInput('2126-b', '2126-06-02')), 'ops', now)).rejects.toThrow(
      new RegExp(`already exists \\(${first.id}\\)`),
    );
    // Its own label is not a clash when the draft is edited.
    expect(await editDraft(repo, first.id, draftOf(draftInput('2126-b', '2126-06-03')), 'ops', now)).toMatchObject({
      effectiveFrom: '2126-06-03',
    });
    expect(versions.size).toBe(1);
  });

  it('AGR-6 a published version never changes; an unknown one is 404', async () => {
    const { repo } = memoryVersions();
    const version = await published(repo, '2126-c', '2126-06-04');
    await expect(editDraft(repo, version.id, draftOf(draftInput('2126-c', '2126-06-05')), 'ops', now)).rejects.toThrow(
      /published version never changes/,
    );
    await expect(editDraft(repo, randomUUID(), draftOf(draftInput('2126-d', '2126-06-05')), 'ops', now)).rejects.toThrow(NotFound);
  });
});

describe('AGR-5, AGR-6 publication', () => {
  it('AGR-5 takes effect 1 month after publication at the earliest (Conv art. 8.1, 8.2): the day before is refused', async () => {
    const { repo, published: log } = memoryVersions();
    for (const substantial of [true, false]) {
      const draft = await addDraft(repo, randomUUID(), draftOf(draftInput(`2126-e${substantial}`, '2126-04-01', substantial)), 'ops', now);
      await expect(publishDraft(repo, draft.id, 'ops', NOW)).rejects.toMatchObject({
        ruleId: 'AGR-5',
        details: { effectiveFrom: '2126-04-01', earliest: '2126-04-02' },
      });
    }
    expect(log).toEqual([]);
  });

  it('AGR-6 one version per effective date; a version is published once', async () => {
    const { repo, published: log } = memoryVersions();
    const first = await published(repo, '2126-f', '2126-07-01');
    const sameDay = await addDraft(repo, randomUUID(), draftOf(draftInput('2126-g', '2126-07-01')), 'ops', now);
    await expect(publishDraft(repo, sameDay.id, 'ops', NOW)).rejects.toThrow(/sessions@2126-f already takes effect on 2126-07-01/);
    await expect(publishDraft(repo, first.id, 'ops', NOW)).rejects.toThrow(TransitionRefused);
    expect(log.map((p) => p.id)).toEqual([first.id]);
  });

  it("AGR-5 notifies the running agréments: a substantial change through the agrément's action, another by e-mail", async () => {
    const { repo, published: log } = memoryVersions();
    const substantial = await published(repo, '2126-h', '2126-08-01', true);
    const minor = await published(repo, '2126-i', '2126-08-02', false);
    expect(substantial).toMatchObject({ status: 'published', publishedOn: '2126-03-02', publishedBy: 'ops' });
    expect(log.map((p) => [p.id, p.noticeKind])).toEqual([
      [substantial.id, 'agrement-action'],
      [minor.id, 'email'],
    ]);
    expect(log[0]!.agrementStates).toEqual(['active', 'suspended', 'under-notice', 'terminating']);
  });
});

describe('AGR-5 notices', () => {
  const notice = (n: number, kind: string): PendingNotice => ({
    agrementId: `a${n}000000-0000-4000-8000-000000000000`,
    organisationId: `0${n}000000-0000-4000-8000-000000000000`,
    kind,
    organisationName: `Centre ${n}`,
    email: `centre${n}@example.fr`,
  });

  it('AGR-5 a draft has nothing to notify yet', async () => {
    const { repo } = memoryVersions();
    const draft = await addDraft(repo, randomUUID(), draftOf(draftInput('2126-j', '2126-09-01')), 'ops', now);
    const channels: RuleSetNoticeChannels = { actOnAgrement: async () => {}, queueEmail: async () => {} };
    await expect(deliverPendingNotices(repo, channels, draft.id, 'ops')).rejects.toMatchObject({ ruleId: 'AGR-5' });
  });

  it('AGR-5 a failed notice stays pending with its error, the others are delivered; delivering again sends only the failed one', async () => {
    const notices = [notice(1, 'agrement-action'), notice(2, 'agrement-action'), notice(3, 'email')];
    const { repo, failed } = memoryVersions([], notices);
    const version = await published(repo, '2126-k', '2126-09-02');
    const actions: Array<{ agrementId: string; key: string; type: string; on: string }> = [];
    const emails: Array<{ key: string; to: string | null; template: string }> = [];
    let refuse = true;
    const channels: RuleSetNoticeChannels = {
      actOnAgrement: async (agrementId, input, key) => {
        if (refuse && agrementId === notices[1]!.agrementId) throw new TransitionRefused('TER-5', 'the agrément has ended');
        actions.push({ agrementId, key, type: input.action.type, on: (input.action as { on: string }).on });
      },
      queueEmail: async (email) => void emails.push({ key: email.key, to: email.to, template: email.template }),
    };
    const report = await deliverPendingNotices(repo, channels, version.id, 'ops');
    expect(report).toEqual({
      delivered: 2,
      alreadyDelivered: 0,
      failed: [{ agrementId: notices[1]!.agrementId, organisationId: notices[1]!.organisationId, error: 'the agrément has ended' }],
    });
    expect(actions).toEqual([
      {
        agrementId: notices[0]!.agrementId,
        key: `rule-set-version:${version.id}:${notices[0]!.agrementId}`,
        type: 'cahier-change-notified',
        on: '2126-03-02',
      },
    ]);
    expect(emails).toEqual([
      {
        key: `rule-set-version:${version.id}:notice:${notices[2]!.agrementId}`,
        to: 'centre3@example.fr',
        template: 'cahier-minor-change-notice',
      },
    ]);
    expect(failed.get(notices[1]!.agrementId)).toBe('the agrément has ended');

    refuse = false;
    expect(await deliverPendingNotices(repo, channels, version.id, 'ops')).toEqual({ delivered: 1, alreadyDelivered: 2, failed: [] });
    expect(failed.size).toBe(0);
  });
});

describe('AGR-6 impact report', () => {
  const centre: SessionCentre = {
    id: 'ce000000-0000-4000-8000-000000000001',
    name: 'Centre de Lyon',
    email: 'pix@centre.fr',
    category: 'datadock-training-provider',
    kind: 'centre',
    publicEstablishment: false,
    higherEducation: false,
    educationMinistriesPublic: false,
    agrementOrganisationId: 'ce000000-0000-4000-8000-000000000001',
  };
  const planned = (id: string, date: string, candidates: number): PlannedSession => ({
    id,
    organisationId: centre.id,
    date,
    report: sessionReport(centre.id, { id, date }, candidates),
  });

  it('AGR-6 judges the planned sessions from its effective date until the next published version, and names the failing rules', async () => {
    const sessions = [
      planned('S-before', '2126-05-31', 18),
      planned('S-ok', '2126-06-10', 12),
      planned('S-18', '2126-06-11', 18),
      planned('S-later', '2126-09-01', 18),
    ];
    const { repo } = memoryVersions(sessions);
    await published(repo, '2126-next', '2126-09-01');
    const draft = await addDraft(repo, randomUUID(), draftOf(draftInput('2126-l', '2126-06-01')), 'ops', now);
    const report = await impactOf(repo, async (ids) => new Map(ids.map((id) => [id, centre])), draft.id, now);
    expect(report).toMatchObject({
      status: 'draft',
      effectiveFrom: '2126-06-01',
      effectiveUntil: '2126-09-01',
      judgedOn: '2126-03-02',
      plannedSessions: 2,
      refusedSessions: 1,
    });
    expect(report.refused).toEqual([
      expect.objectContaining({ sessionId: 'S-18', organisationName: 'Centre de Lyon', ruleIds: ['SES-2'] }),
    ]);
  });
});
