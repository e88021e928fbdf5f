/**
 * AGR-5, AGR-6: the SQL of the rule-set versions (rule_set_versions) and of the notices their publication
 * queues (rule_set_notices), with the event-log entries of their changes (stream "rule-set-version"); and the
 * planned sessions the impact report judges.
 */
import { randomUUID } from 'node:crypto';
import { type Db, transactionManager } from '../../shared/database/db';
import { appendToLog, type NewLogEntry } from '../../shared/event-log/event-log';
import type { PendingNotice, PlannedSession, RuleSetVersionRecord, RuleSetVersionsRepository } from '../usecases/rule-sets/ports';
import type { SessionReport } from '../usecases/session-report';

export const RULE_SET_STREAM = 'rule-set-version';
/** Serialises publications: two versions must not both take effect the same day (AGR-6). */
const PUBLISH_LOCK = 748_215_020;

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

const recordOf = (r: VersionRow): RuleSetVersionRecord => ({
  id: r.id,
  ruleSet: r.rule_set,
  version: r.version,
  effectiveFrom: r.effective_from,
  substantial: r.substantial,
  summary: r.summary,
  rules: r.rules,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
  publishedOn: r.published_on,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
});

function logEntry(
  r: Pick<RuleSetVersionRecord, 'id' | 'version' | 'effectiveFrom' | 'substantial'>,
  type: string,
  actor: string,
  now: Date,
  extra: Record<string, unknown> = {},
): NewLogEntry {
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
    data: { version: r.version, effectiveFrom: r.effectiveFrom, substantial: r.substantial, ...extra },
    occurredAt: now,
  };
}

export function ruleSetVersionsRepository(db: Db): RuleSetVersionsRepository {
  /** The log is appended in the caller's transaction (the writes below are always given one). */
  return {
    async findVersion(id, options = {}) {
      const [row] = (await db.query(`${SELECT} WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`, [id])) as VersionRow[];
      return row ? recordOf(row) : null;
    },

    async listVersions(status) {
      const rows = (await db.query(
        `${SELECT} ${status ? 'WHERE status = $1' : ''} ORDER BY effective_from, created_at`,
        status ? [status] : [],
      )) as VersionRow[];
      return rows.map(recordOf);
    },

    async otherVersionLabelled(version, exceptId) {
      const [row]: Array<{ id: string }> = await db.query(
        `SELECT id FROM rule_set_versions WHERE rule_set = 'sessions' AND version = $1 AND id <> $2`,
        [version, exceptId ?? randomUUID()],
      );
      return row?.id ?? null;
    },

    async insertDraft(id, draft, actor, at) {
      const tx = transactionManager(db);
      await tx.query(
        `INSERT INTO rule_set_versions (id, rule_set, version, effective_from, substantial, summary, rules, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
        [id, draft.ruleSet, draft.version, draft.effectiveFrom, draft.substantial, draft.summary, JSON.stringify(draft.rules), actor],
      );
      await appendToLog(tx, [logEntry({ id, ...draft }, 'rule-set-version-drafted', actor, at)]);
    },

    async updateDraft(id, draft, actor, at) {
      const tx = transactionManager(db);
      await tx.query(
        `UPDATE rule_set_versions SET version = $2, effective_from = $3, substantial = $4, summary = $5, rules = $6, updated_by = $7, updated_at = now() WHERE id = $1`,
        [id, draft.version, draft.effectiveFrom, draft.substantial, draft.summary, JSON.stringify(draft.rules), actor],
      );
      await appendToLog(tx, [logEntry({ id, ...draft }, 'rule-set-version-edited', actor, at)]);
    },

    async publishedSessionRules() {
      return db.query(`SELECT id, rules FROM rule_set_versions WHERE status = 'published' AND rule_set = 'sessions'`);
    },

    async lockPublications() {
      await db.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
    },

    async publish(version, { publishedOn, actor, at, noticeKind, agrementStates }) {
      const tx = transactionManager(db);
      await tx.query(
        `UPDATE rule_set_versions SET status = 'published', published_on = $2, published_by = $3, published_at = $4 WHERE id = $1`,
        [version.id, publishedOn, actor, at],
      );
      const queued: Array<{ id: string }> = await tx.query(
        `INSERT INTO rule_set_notices (rule_set_version_id, agrement_id, organisation_id, kind)
       SELECT $1, a.id, a.organisation_id, $2 FROM agrements a WHERE a.state = ANY($3) RETURNING agrement_id AS id`,
        [version.id, noticeKind, agrementStates],
      );
      await appendToLog(tx, [logEntry(version, 'rule-set-version-published', actor, at, { publishedOn, noticesQueued: queued.length })]);
      return queued.length;
    },

    async noticeCounts(id) {
      return db.query(
        `SELECT kind, status, count(*)::int AS count FROM rule_set_notices WHERE rule_set_version_id = $1 GROUP BY kind, status ORDER BY kind, status`,
        [id],
      );
    },

    async pendingNotices(id) {
      const rows: Array<{ agrement_id: string; organisation_id: string; kind: string; name: string; email: string }> = await db.query(
        `SELECT n.agrement_id, n.organisation_id, n.kind, o.name, o.email FROM rule_set_notices n JOIN organisations o ON o.id = n.organisation_id
      WHERE n.rule_set_version_id = $1 AND n.status = 'pending' ORDER BY n.agrement_id`,
        [id],
      );
      return rows.map((n): PendingNotice => ({
        agrementId: n.agrement_id,
        organisationId: n.organisation_id,
        kind: n.kind,
        organisationName: n.name,
        email: n.email,
      }));
    },

    async deliveredNoticeCount(id) {
      const [{ count }] = (await db.query(
        `SELECT count(*)::int AS count FROM rule_set_notices WHERE rule_set_version_id = $1 AND status = 'delivered'`,
        [id],
      )) as [{ count: number }];
      return count;
    },

    async markNoticeDelivered(id, agrementId) {
      await db.query(
        `UPDATE rule_set_notices SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE rule_set_version_id = $1 AND agrement_id = $2`,
        [id, agrementId],
      );
    },

    async markNoticeFailed(id, agrementId, error) {
      await db.query(
        `UPDATE rule_set_notices SET attempts = attempts + 1, last_error = $3 WHERE rule_set_version_id = $1 AND agrement_id = $2`,
        [id, agrementId, error],
      );
    },

    async plannedSessions(from, until) {
      const rows: Array<{ id: string; organisation_id: string; date: string; report: SessionReport }> = await db.query(
        `SELECT id, organisation_id, to_char(date, 'YYYY-MM-DD') AS date, report FROM sessions
      WHERE status = 'planned' AND date >= $1 AND ($2::date IS NULL OR date < $2::date) ORDER BY date, id`,
        [from, until],
      );
      return rows.map((s): PlannedSession => ({ id: s.id, organisationId: s.organisation_id, date: s.date, report: s.report }));
    },
  };
}
