/**
 * AGR-5, AGR-6: operations publish a new version of the session rules. A draft (rules, effective date,
 * substantial or not, a French summary) is checked like any rule file, can be edited, and its impact on
 * the planned sessions computed; publishing freezes it, makes it judge every session dated from its
 * effective date, and notifies every centre whose agrément runs: a substantial change through the
 * agrément's own action (cahier-change-notified: 1 month to apply it or leave, Conv art. 8.1), a
 * non-substantial one by e-mail (1 month's notice, art. 8.2). Notices are queued with the publication
 * (rule_set_notices) and delivered after the commit; a failed one stays pending and can be re-sent.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { PARAMETERS } from '../../../config/parameters';
import { addMonths, isoDate, parseIsoDate } from '../../../shared/domain/dates';
import { InvalidCommand, NotFound, TransitionRefused } from '../../../shared/domain/errors';
import { dateIn } from '../../../shared/domain/zoned-time';
import { queueEmail, type EmailDeps } from '../../../mail/usecases/queue-email';
import { RuleFileError } from '../../../shared/rules/rule-engine';
import { BASE_RULE_CATALOGUE, evaluateSession, loadSessionRuleSet, type SessionRuleSet, sessionRuleCatalogue } from '../../rules';
import { actOnAgrement } from '../../../agrement/usecases/agrements';
import type { SessionCentre } from '../../domain/session';
import { RULE_SET_STREAM, ruleSetVersionsRepository } from '../../infra/rule-set-versions.repository';
import { loadCentres, sessionOf } from '../report-sessions';
import { compiledPublishedVersions } from './catalogue';
import type { DraftContent, RuleSetNoticeChannels, RuleSetVersionRecord, RuleSetVersionsRepository } from './ports';

export { RULE_SET_STREAM } from '../../infra/rule-set-versions.repository';
/** Agréments still running: their centres are bound by a new cahier (Conv art. 8, 9). */
const RUNNING_STATES = ['active', 'suspended', 'under-notice', 'terminating'];

export interface RuleSetDeps {
  db: DataSource;
  temporal: Client;
  taskQueue: string;
  now: () => Date;
  /** The e-mail outbox (non-substantial changes). */
  mail: EmailDeps;
}

export interface DraftInput {
  /** A session rule file (ruleSet "sessions", version, rules, optional parameters). */
  rules: Record<string, unknown>;
  effectiveFrom: string;
  /** AGR-5: equipment per candidate, invigilator ratio, staff profiles, premises (Conv art. 8.1). */
  substantial: boolean;
  /** The change, in French, as the centres will read it. */
  summary: string;
}

const todayOf = (now: Date) => dateIn(now, PARAMETERS.agrement.timeZone);

function view(r: RuleSetVersionRecord, withRules = true) {
  return {
    id: r.id,
    ruleSetId: `${r.ruleSet}@${r.version}`,
    ruleSet: r.ruleSet,
    version: r.version,
    effectiveFrom: r.effectiveFrom,
    substantial: r.substantial,
    summary: r.summary,
    status: r.status,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt,
    publishedOn: r.publishedOn,
    publishedBy: r.publishedBy,
    publishedAt: r.publishedAt,
    ...(withRules ? { rules: r.rules } : {}),
  };
}

/** The draft's rule file with its effective date, validated and compiled: 400 naming the field. */
export function draftOf(input: DraftInput): DraftContent {
  if (input.rules.effectiveFrom !== undefined && input.rules.effectiveFrom !== input.effectiveFrom) {
    throw new InvalidCommand(
      'rules.effectiveFrom',
      `rules.effectiveFrom (${String(input.rules.effectiveFrom)}) differs from effectiveFrom (${input.effectiveFrom}); give it once`,
    );
  }
  const rules = { ...input.rules, effectiveFrom: input.effectiveFrom };
  let set: SessionRuleSet;
  try {
    set = loadSessionRuleSet(rules, 'rules');
  } catch (err) {
    if (err instanceof RuleFileError)
      throw new InvalidCommand('rules', `the rule file is invalid: ${err.problems.join('; ')}`, { problems: err.problems });
    throw err;
  }
  return {
    ruleSet: set.rules.ruleSet,
    version: set.version,
    effectiveFrom: set.effectiveFrom,
    substantial: input.substantial,
    summary: input.summary.trim(),
    rules,
  };
}

async function versionTaken(versions: RuleSetVersionsRepository, version: string, exceptId: string | null): Promise<void> {
  if (BASE_RULE_CATALOGUE.sets.some((s) => s.version === version))
    throw new TransitionRefused('AGR-6', `version ${version} is the cahier shipped with the engine: choose another version label`);
  const other = await versions.otherVersionLabelled(version, exceptId);
  if (other)
    throw new TransitionRefused('AGR-6', `version ${version} already exists (${other}): edit that draft or choose another version label`);
}

async function findVersion(versions: RuleSetVersionsRepository, id: string, lock = false): Promise<RuleSetVersionRecord> {
  const row = await versions.findVersion(id, lock ? { lock: true } : {});
  if (!row) throw new NotFound(`rule-set version ${id} not found`);
  return row;
}

/** AGR-6: records a new draft (inside the caller's transaction) unless its version label is taken. */
export async function addDraft(versions: RuleSetVersionsRepository, id: string, draft: DraftContent, actor: string, now: () => Date) {
  await versionTaken(versions, draft.version, null);
  await versions.insertDraft(id, draft, actor, now());
  return view((await versions.findVersion(id))!);
}

export async function createDraft(deps: Pick<RuleSetDeps, 'db' | 'now'>, input: DraftInput, actor: string) {
  const draft = draftOf(input);
  const id = randomUUID();
  return deps.db.transaction((m) => addDraft(ruleSetVersionsRepository(m), id, draft, actor, deps.now));
}

/** AGR-6: a published version never changes (sessions were judged by it); a draft may (inside the caller's transaction). */
export async function editDraft(versions: RuleSetVersionsRepository, id: string, draft: DraftContent, actor: string, now: () => Date) {
  const before = await versions.findVersion(id, { lock: true });
  if (!before) throw new NotFound(`rule-set version ${id} not found`);
  if (before.status === 'published') {
    throw new TransitionRefused(
      'AGR-6',
      `version ${before.version} was published on ${before.publishedOn}: a published version never changes; draft a new version instead`,
    );
  }
  await versionTaken(versions, draft.version, id);
  await versions.updateDraft(id, draft, actor, now());
  return view((await versions.findVersion(id))!);
}

export async function updateDraft(deps: Pick<RuleSetDeps, 'db' | 'now'>, id: string, input: DraftInput, actor: string) {
  const draft = draftOf(input);
  return deps.db.transaction((m) => editDraft(ruleSetVersionsRepository(m), id, draft, actor, deps.now));
}

export async function listVersions(deps: Pick<RuleSetDeps, 'db'>, status?: 'draft' | 'published') {
  const rows = await ruleSetVersionsRepository(deps.db).listVersions(status);
  return rows.map((r) => view(r, false));
}

export async function getVersion(deps: Pick<RuleSetDeps, 'db'>, id: string) {
  const versions = ruleSetVersionsRepository(deps.db);
  const row = await findVersion(versions, id);
  const notices = await versions.noticeCounts(id);
  return { ...view(row), notices };
}

/**
 * AGR-6: the planned sessions (status planned, dated on or after the version's effective date and before the
 * next published version takes effect) that this version would refuse, with the failing rule IDs. The SES-9
 * blockers (the agrément's state) do not depend on the version and are left out; SCO-2 windows neither.
 */
export async function impactOf(
  versions: RuleSetVersionsRepository,
  centresOf: (organisationIds: string[]) => Promise<Map<string, SessionCentre>>,
  id: string,
  now: () => Date,
) {
  const row = await findVersion(versions, id);
  const set = loadSessionRuleSet(row.rules, `rule_set_versions ${id}`);
  const catalogue = sessionRuleCatalogue([set]);
  const later = (await compiledPublishedVersions(versions))
    .filter((s) => s.effectiveFrom > set.effectiveFrom)
    .map((s) => s.effectiveFrom)
    .sort();
  const until = later[0] ?? null;
  const today = todayOf(now());
  const sessions = await versions.plannedSessions(set.effectiveFrom, until);
  const centres = await centresOf([...new Set(sessions.map((s) => s.organisationId))]);
  const refused = [];
  for (const s of sessions) {
    const centre = centres.get(s.organisationId);
    if (!centre) continue;
    const evaluation = evaluateSession(sessionOf(s.report, centre), { sessionBlocker: null, today }, {}, catalogue);
    if (evaluation.failures.length === 0) continue;
    refused.push({
      sessionId: s.id,
      organisationId: s.organisationId,
      organisationName: centre.name,
      date: s.date,
      ruleIds: [...new Set(evaluation.failures.map((f) => f.ruleId))],
      failures: evaluation.failures.map((f) => ({
        ruleId: f.ruleId,
        check: f.check,
        message: f.message,
        actual: f.actual,
        expected: f.expected,
      })),
    });
  }
  return {
    versionId: row.id,
    ruleSetId: set.id,
    status: row.status,
    effectiveFrom: set.effectiveFrom,
    effectiveUntil: until,
    judgedOn: today,
    plannedSessions: sessions.length,
    refusedSessions: refused.length,
    refused,
  };
}

export async function impactReport(deps: Pick<RuleSetDeps, 'db' | 'now'>, id: string) {
  return impactOf(ruleSetVersionsRepository(deps.db), (ids) => loadCentres(deps.db.manager, ids), id, deps.now);
}

/** AGR-5: the earliest effective date of a change published on `publishedOn` (1 month's notice, art. 8.1 and 8.2). */
export function earliestEffectiveDate(publishedOn: string, substantial: boolean): string {
  const months = substantial ? PARAMETERS.agrement.cahierChangeMonths : PARAMETERS.agrement.nonSubstantialChangeNoticeMonths;
  return isoDate(addMonths(parseIsoDate(publishedOn), months));
}

export interface NoticeReport {
  /** Notices delivered by this call: an agrément action recorded by its workflow, or an e-mail queued in the outbox (which sends it once). */
  delivered: number;
  alreadyDelivered: number;
  failed: Array<{ agrementId: string; organisationId: string; error: string }>;
}

/**
 * Publishes a draft inside the caller's transaction: checks the notice period (AGR-5) and that no other
 * version takes effect the same day (AGR-6), freezes it and queues a notice per running agrément.
 */
export async function publishDraft(
  versions: RuleSetVersionsRepository,
  id: string,
  actor: string,
  now: Date,
): Promise<RuleSetVersionRecord> {
  const publishedOn = todayOf(now);
  const r = await findVersion(versions, id, true);
  if (r.status === 'published')
    throw new TransitionRefused(
      'AGR-6',
      `version ${r.version} is already published (on ${r.publishedOn}); a published version never changes`,
    );
  const earliest = earliestEffectiveDate(publishedOn, r.substantial);
  if (r.effectiveFrom < earliest) {
    const clause = r.substantial
      ? 'Conv art. 8.1: the centres apply a substantial change within 1 month of its notification'
      : "Conv art. 8.2: a non-substantial change applies after 1 month's notice";
    throw new TransitionRefused(
      'AGR-5',
      `effectiveFrom ${r.effectiveFrom} is too early: published on ${publishedOn}, the version may take effect on ${earliest} at the earliest (${clause})`,
      {
        effectiveFrom: r.effectiveFrom,
        earliest,
      },
    );
  }
  // Compiled again: the draft was valid when written, the engine may have changed since.
  const set = loadSessionRuleSet(r.rules, `rule_set_versions ${id}`);
  await versions.lockPublications();
  const all = [...BASE_RULE_CATALOGUE.sets, ...(await compiledPublishedVersions(versions))];
  const clash = all.find((s) => s.effectiveFrom === set.effectiveFrom);
  if (clash) throw new TransitionRefused('AGR-6', `${clash.id} already takes effect on ${set.effectiveFrom}: one version per day`);
  await versions.publish(r, {
    publishedOn,
    actor,
    at: now,
    noticeKind: r.substantial ? 'agrement-action' : 'email',
    agrementStates: RUNNING_STATES,
  });
  return findVersion(versions, id);
}

/**
 * Publishes a draft: checks the notice period (AGR-5) and that no other version takes effect the same
 * day (AGR-6), freezes it and queues a notice per running agrément in one transaction, then delivers them.
 */
export async function publishVersion(deps: RuleSetDeps, id: string, actor: string) {
  const now = deps.now();
  const row = await deps.db.transaction((m) => publishDraft(ruleSetVersionsRepository(m), id, actor, now));
  const notices = await deliverNotices(deps, id, actor);
  return { version: view(row), notices };
}

/** Delivers the pending notices of a published version through the channels; a failed one stays pending, its error recorded. */
export async function deliverPendingNotices(
  versions: RuleSetVersionsRepository,
  channels: RuleSetNoticeChannels,
  id: string,
  actor: string,
): Promise<NoticeReport> {
  const row = await findVersion(versions, id);
  if (row.status !== 'published') throw new TransitionRefused('AGR-5', `version ${row.version} is not published: nothing to notify yet`);
  const pending = await versions.pendingNotices(id);
  const report: NoticeReport = { delivered: 0, alreadyDelivered: await versions.deliveredNoticeCount(id), failed: [] };
  const summary = `${row.summary} (version ${row.version} du cahier des charges)`;
  const deliverOne = async (n: (typeof pending)[number]) => {
    try {
      if (n.kind === 'agrement-action') {
        // AGR-5: the agrément records the change and e-mails the centre (cahier-change-notice); the update id makes it once only.
        await channels.actOnAgrement(
          n.agrementId,
          {
            action: { type: 'cahier-change-notified', on: row.publishedOn!, effectiveOn: row.effectiveFrom, summary },
            actor,
            reason: `AGR-5 : publication de la version ${row.version} du cahier des charges`,
          },
          `rule-set-version:${id}:${n.agrementId}`,
        );
      } else {
        await channels.queueEmail({
          key: `${RULE_SET_STREAM}:${id}:notice:${n.agrementId}`,
          to: n.email,
          audience: 'centre',
          template: 'cahier-minor-change-notice',
          data: {
            organisationName: n.organisationName,
            agrementReference: `AGR-${n.agrementId.slice(0, 8).toUpperCase()}`,
            notifiedOn: row.publishedOn!, // AGR-5: the notices of a version go out once it is published
            effectiveOn: row.effectiveFrom,
            summary: row.summary,
            version: row.version,
          },
        });
      }
      await versions.markNoticeDelivered(id, n.agrementId);
      report.delivered++;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      await versions.markNoticeFailed(id, n.agrementId, error);
      report.failed.push({ agrementId: n.agrementId, organisationId: n.organisationId, error });
    }
  };
  // A few at a time: each agrément's workflow answers on its own.
  for (let i = 0; i < pending.length; i += 8) await Promise.all(pending.slice(i, i + 8).map(deliverOne));
  return report;
}

/** Delivers the pending notices of a published version (after the commit, or again when some failed). */
export async function deliverNotices(deps: RuleSetDeps, id: string, actor: string): Promise<NoticeReport> {
  const channels: RuleSetNoticeChannels = {
    actOnAgrement: (agrementId, input, idempotencyKey) => actOnAgrement(deps, agrementId, input, idempotencyKey),
    queueEmail: (email) => queueEmail(deps.mail, email),
  };
  return deliverPendingNotices(ruleSetVersionsRepository(deps.db), channels, id, actor);
}
