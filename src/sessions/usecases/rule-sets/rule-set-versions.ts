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
import type { DataSource, EntityManager } from 'typeorm';
import { PARAMETERS } from '../../../config/parameters';
import { addMonths, isoDate, parseIsoDate } from '../../../shared/domain/dates';
import { InvalidCommand, NotFound, TransitionRefused } from '../../../shared/domain/errors';
import { dateIn } from '../../../shared/domain/zoned-time';
import { queueEmail, type EmailDeps } from '../../../mail/usecases/queue-email';
import { appendToLog } from '../../../shared/event-log/event-log';
import { RuleFileError } from '../../../shared/rules/rule-engine';
import { BASE_RULE_CATALOGUE, evaluateSession, loadSessionRuleSet, type SessionRuleSet, sessionRuleCatalogue } from '../../rules';
import { actOnAgrement } from '../../../agrement/usecases/agrements';
import type { SessionReport } from '../session-report';
import { loadCentres, sessionOf } from '../report-sessions';
import { publishedRuleSets } from './catalogue';

export const RULE_SET_STREAM = 'rule-set-version';
/** Agréments still running: their centres are bound by a new cahier (Conv art. 8, 9). */
const RUNNING_STATES = ['active', 'suspended', 'under-notice', 'terminating'];
/** Serialises publications: two versions must not both take effect the same day (AGR-6). */
const PUBLISH_LOCK = 748_215_020;

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

interface VersionRow {
  id: string;
  rule_set: string;
  version: string;
  effective_from: string;
  substantial: boolean;
  summary: string;
  rules: Record<string, unknown>;
  status: 'draft' | 'published';
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  published_on: string | null;
  published_by: string | null;
  published_at: Date | null;
}

const SELECT = `SELECT id, rule_set, version, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, substantial, summary, rules, status, created_by, created_at,
  updated_by, updated_at, to_char(published_on, 'YYYY-MM-DD') AS published_on, published_by, published_at FROM rule_set_versions`;

const todayOf = (now: Date) => dateIn(now, PARAMETERS.agrement.timeZone);

function view(r: VersionRow, withRules = true) {
  return {
    id: r.id,
    ruleSetId: `${r.rule_set}@${r.version}`,
    ruleSet: r.rule_set,
    version: r.version,
    effectiveFrom: r.effective_from,
    substantial: r.substantial,
    summary: r.summary,
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
    publishedOn: r.published_on,
    publishedBy: r.published_by,
    publishedAt: r.published_at,
    ...(withRules ? { rules: r.rules } : {}),
  };
}

/** The draft's rule file with its effective date, validated and compiled: 400 naming the field. */
function compileDraft(input: DraftInput): { rules: Record<string, unknown>; set: SessionRuleSet } {
  if (input.rules.effectiveFrom !== undefined && input.rules.effectiveFrom !== input.effectiveFrom) {
    throw new InvalidCommand('rules.effectiveFrom', `rules.effectiveFrom (${String(input.rules.effectiveFrom)}) differs from effectiveFrom (${input.effectiveFrom}); give it once`);
  }
  const rules = { ...input.rules, effectiveFrom: input.effectiveFrom };
  try {
    return { rules, set: loadSessionRuleSet(rules, 'rules') };
  } catch (err) {
    if (err instanceof RuleFileError) throw new InvalidCommand('rules', `the rule file is invalid: ${err.problems.join('; ')}`, { problems: err.problems });
    throw err;
  }
}

async function versionTaken(m: EntityManager, version: string, exceptId: string | null): Promise<void> {
  if (BASE_RULE_CATALOGUE.sets.some((s) => s.version === version)) throw new TransitionRefused('AGR-6', `version ${version} is the cahier shipped with the engine: choose another version label`);
  const [row]: Array<{ id: string }> = await m.query(`SELECT id FROM rule_set_versions WHERE rule_set = 'sessions' AND version = $1 AND id <> $2`, [version, exceptId ?? randomUUID()]);
  if (row) throw new TransitionRefused('AGR-6', `version ${version} already exists (${row.id}): edit that draft or choose another version label`);
}

function logEntry(r: Pick<VersionRow, 'id' | 'version' | 'effective_from' | 'substantial'>, type: string, actor: string, now: Date, extra: Record<string, unknown> = {}) {
  return {
    eventKey: `${RULE_SET_STREAM}:${r.id}:${type}:${now.toISOString()}`,
    streamType: RULE_SET_STREAM,
    streamId: r.id,
    type,
    ruleIds: ['AGR-5', 'AGR-6'],
    fromState: type === 'rule-set-version-published' ? 'draft' : null,
    toState: type === 'rule-set-version-published' ? 'published' : 'draft',
    actor,
    reason: null,
    data: { version: r.version, effectiveFrom: r.effective_from, substantial: r.substantial, ...extra },
    occurredAt: now,
  };
}

export async function createDraft(deps: Pick<RuleSetDeps, 'db' | 'now'>, input: DraftInput, actor: string) {
  const { rules, set } = compileDraft(input);
  const id = randomUUID();
  return deps.db.transaction(async (m) => {
    await versionTaken(m, set.version, null);
    await m.query(
      `INSERT INTO rule_set_versions (id, rule_set, version, effective_from, substantial, summary, rules, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [id, set.rules.ruleSet, set.version, set.effectiveFrom, input.substantial, input.summary.trim(), JSON.stringify(rules), actor],
    );
    await appendToLog(m, [logEntry({ id, version: set.version, effective_from: set.effectiveFrom, substantial: input.substantial }, 'rule-set-version-drafted', actor, deps.now())]);
    const [row] = (await m.query(`${SELECT} WHERE id = $1`, [id])) as VersionRow[];
    return view(row!);
  });
}

/** AGR-6: a published version never changes (sessions were judged by it); a draft may. */
export async function updateDraft(deps: Pick<RuleSetDeps, 'db' | 'now'>, id: string, input: DraftInput, actor: string) {
  const { rules, set } = compileDraft(input);
  return deps.db.transaction(async (m) => {
    const [before] = (await m.query(`${SELECT} WHERE id = $1 FOR UPDATE`, [id])) as VersionRow[];
    if (!before) throw new NotFound(`rule-set version ${id} not found`);
    if (before.status === 'published') {
      throw new TransitionRefused('AGR-6', `version ${before.version} was published on ${before.published_on}: a published version never changes; draft a new version instead`);
    }
    await versionTaken(m, set.version, id);
    await m.query(
      `UPDATE rule_set_versions SET version = $2, effective_from = $3, substantial = $4, summary = $5, rules = $6, updated_by = $7, updated_at = now() WHERE id = $1`,
      [id, set.version, set.effectiveFrom, input.substantial, input.summary.trim(), JSON.stringify(rules), actor],
    );
    await appendToLog(m, [logEntry({ id, version: set.version, effective_from: set.effectiveFrom, substantial: input.substantial }, 'rule-set-version-edited', actor, deps.now())]);
    const [row] = (await m.query(`${SELECT} WHERE id = $1`, [id])) as VersionRow[];
    return view(row!);
  });
}

export async function listVersions(deps: Pick<RuleSetDeps, 'db'>, status?: 'draft' | 'published') {
  const rows = (await deps.db.query(`${SELECT} ${status ? 'WHERE status = $1' : ''} ORDER BY effective_from, created_at`, status ? [status] : [])) as VersionRow[];
  return rows.map((r) => view(r, false));
}

async function findVersion(db: DataSource | EntityManager, id: string, lock = false): Promise<VersionRow> {
  const [row] = (await db.query(`${SELECT} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])) as VersionRow[];
  if (!row) throw new NotFound(`rule-set version ${id} not found`);
  return row;
}

export async function getVersion(deps: Pick<RuleSetDeps, 'db'>, id: string) {
  const row = await findVersion(deps.db, id);
  const notices: Array<{ kind: string; status: string; count: number }> = await deps.db.query(
    `SELECT kind, status, count(*)::int AS count FROM rule_set_notices WHERE rule_set_version_id = $1 GROUP BY kind, status ORDER BY kind, status`,
    [id],
  );
  return { ...view(row), notices };
}

/**
 * AGR-6: the planned sessions (status planned, dated on or after the version's effective date and before the
 * next published version takes effect) that this version would refuse, with the failing rule IDs. The SES-9
 * blockers (the agrément's state) do not depend on the version and are left out; SCO-2 windows neither.
 */
export async function impactReport(deps: Pick<RuleSetDeps, 'db' | 'now'>, id: string) {
  const row = await findVersion(deps.db, id);
  const set = loadSessionRuleSet(row.rules, `rule_set_versions ${id}`);
  const catalogue = sessionRuleCatalogue([set]);
  const later = (await publishedRuleSets(deps.db.manager)).filter((s) => s.effectiveFrom > set.effectiveFrom).map((s) => s.effectiveFrom).sort();
  const until = later[0] ?? null;
  const today = todayOf(deps.now());
  const sessions: Array<{ id: string; organisation_id: string; date: string; report: SessionReport }> = await deps.db.query(
    `SELECT id, organisation_id, to_char(date, 'YYYY-MM-DD') AS date, report FROM sessions
      WHERE status = 'planned' AND date >= $1 AND ($2::date IS NULL OR date < $2::date) ORDER BY date, id`,
    [set.effectiveFrom, until],
  );
  const centres = await loadCentres(deps.db.manager, [...new Set(sessions.map((s) => s.organisation_id))]);
  const refused = [];
  for (const s of sessions) {
    const centre = centres.get(s.organisation_id);
    if (!centre) continue;
    const evaluation = evaluateSession(sessionOf(s.report, centre), { sessionBlocker: null, today }, {}, catalogue);
    if (evaluation.failures.length === 0) continue;
    refused.push({
      sessionId: s.id,
      organisationId: s.organisation_id,
      organisationName: centre.name,
      date: s.date,
      ruleIds: [...new Set(evaluation.failures.map((f) => f.ruleId))],
      failures: evaluation.failures.map((f) => ({ ruleId: f.ruleId, check: f.check, message: f.message, actual: f.actual, expected: f.expected })),
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
 * Publishes a draft: checks the notice period (AGR-5) and that no other version takes effect the same
 * day (AGR-6), freezes it and queues a notice per running agrément in one transaction, then delivers them.
 */
export async function publishVersion(deps: RuleSetDeps, id: string, actor: string) {
  const now = deps.now();
  const publishedOn = todayOf(now);
  const row = await deps.db.transaction(async (m) => {
    const r = await findVersion(m, id, true);
    if (r.status === 'published') throw new TransitionRefused('AGR-6', `version ${r.version} is already published (on ${r.published_on}); a published version never changes`);
    const earliest = earliestEffectiveDate(publishedOn, r.substantial);
    if (r.effective_from < earliest) {
      const clause = r.substantial ? 'Conv art. 8.1: the centres apply a substantial change within 1 month of its notification' : "Conv art. 8.2: a non-substantial change applies after 1 month's notice";
      throw new TransitionRefused('AGR-5', `effectiveFrom ${r.effective_from} is too early: published on ${publishedOn}, the version may take effect on ${earliest} at the earliest (${clause})`, {
        effectiveFrom: r.effective_from,
        earliest,
      });
    }
    // Compiled again: the draft was valid when written, the engine may have changed since.
    const set = loadSessionRuleSet(r.rules, `rule_set_versions ${id}`);
    await m.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
    const all = [...BASE_RULE_CATALOGUE.sets, ...(await publishedRuleSets(m))];
    const clash = all.find((s) => s.effectiveFrom === set.effectiveFrom);
    if (clash) throw new TransitionRefused('AGR-6', `${clash.id} already takes effect on ${set.effectiveFrom}: one version per day`);
    await m.query(`UPDATE rule_set_versions SET status = 'published', published_on = $2, published_by = $3, published_at = $4 WHERE id = $1`, [id, publishedOn, actor, now]);
    const queued: Array<{ id: string }> = await m.query(
      `INSERT INTO rule_set_notices (rule_set_version_id, agrement_id, organisation_id, kind)
       SELECT $1, a.id, a.organisation_id, $2 FROM agrements a WHERE a.state = ANY($3) RETURNING agrement_id AS id`,
      [id, r.substantial ? 'agrement-action' : 'email', RUNNING_STATES],
    );
    await appendToLog(m, [logEntry(r, 'rule-set-version-published', actor, now, { publishedOn, noticesQueued: queued.length })]);
    return findVersion(m, id);
  });
  const notices = await deliverNotices(deps, id, actor);
  return { version: view(row), notices };
}

/** Delivers the pending notices of a published version (after the commit, or again when some failed). */
export async function deliverNotices(deps: RuleSetDeps, id: string, actor: string): Promise<NoticeReport> {
  const row = await findVersion(deps.db, id);
  if (row.status !== 'published') throw new TransitionRefused('AGR-5', `version ${row.version} is not published: nothing to notify yet`);
  const pending: Array<{ agrement_id: string; organisation_id: string; kind: string; name: string; email: string }> = await deps.db.query(
    `SELECT n.agrement_id, n.organisation_id, n.kind, o.name, o.email FROM rule_set_notices n JOIN organisations o ON o.id = n.organisation_id
      WHERE n.rule_set_version_id = $1 AND n.status = 'pending' ORDER BY n.agrement_id`,
    [id],
  );
  const [{ count }] = (await deps.db.query(`SELECT count(*)::int AS count FROM rule_set_notices WHERE rule_set_version_id = $1 AND status = 'delivered'`, [id])) as [{ count: number }];
  const report: NoticeReport = { delivered: 0, alreadyDelivered: count, failed: [] };
  const summary = `${row.summary} (version ${row.version} du cahier des charges)`;
  const deliverOne = async (n: (typeof pending)[number]) => {
    try {
      if (n.kind === 'agrement-action') {
        // AGR-5: the agrément records the change and e-mails the centre (cahier-change-notice); the update id makes it once only.
        await actOnAgrement(
          deps,
          n.agrement_id,
          {
            action: { type: 'cahier-change-notified', on: row.published_on!, effectiveOn: row.effective_from, summary },
            actor,
            reason: `AGR-5 : publication de la version ${row.version} du cahier des charges`,
          },
          `rule-set-version:${id}:${n.agrement_id}`,
        );
      } else {
        await queueEmail(deps.mail, {
          key: `${RULE_SET_STREAM}:${id}:notice:${n.agrement_id}`,
          to: n.email,
          audience: 'centre',
          template: 'cahier-minor-change-notice',
          data: { organisationName: n.name, agrementReference: `AGR-${n.agrement_id.slice(0, 8).toUpperCase()}`, notifiedOn: row.published_on, effectiveOn: row.effective_from, summary: row.summary, version: row.version },
        });
      }
      await deps.db.query(`UPDATE rule_set_notices SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE rule_set_version_id = $1 AND agrement_id = $2`, [id, n.agrement_id]);
      report.delivered++;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      await deps.db.query(`UPDATE rule_set_notices SET attempts = attempts + 1, last_error = $3 WHERE rule_set_version_id = $1 AND agrement_id = $2`, [id, n.agrement_id, error]);
      report.failed.push({ agrementId: n.agrement_id, organisationId: n.organisation_id, error });
    }
  };
  // A few at a time: each agrément's workflow answers on its own.
  for (let i = 0; i < pending.length; i += 8) await Promise.all(pending.slice(i, i + 8).map(deliverOne));
  return report;
}
