/**
 * SCO-2: the SQL of the campaign windows (sco_campaign_windows) and derogations (sco_campaign_derogations),
 * and the event-log entries their changes produce (stream "sco-campaign").
 */
import { type Db, transactionManager } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import { uuidFromKey } from '../../shared/usecases/idempotent-ids';
import type { CampaignWindow } from '../domain/campaigns';
import type { CampaignsRepository, CampaignWindowRecord } from '../usecases/campaign-ports';

export const CAMPAIGN_STREAM = 'sco-campaign';
/** One stream per school year (the log's stream ids are uuids; the year is in each entry's data). */
export const campaignStreamId = (schoolYear: string) => uuidFromKey(CAMPAIGN_STREAM, schoolYear);

interface WindowRow {
  school_year: string;
  school_type: string;
  starts_on: string;
  ends_on: string;
  derogation_limit: string | null;
  source: string;
  updated_by: string;
  updated_at: Date;
}

const WINDOW_SELECT = `SELECT school_year, school_type, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on,
  to_char(derogation_limit, 'YYYY-MM-DD') AS derogation_limit, source, updated_by, updated_at FROM sco_campaign_windows`;

const windowOf = (r: WindowRow): CampaignWindow => ({
  schoolYear: r.school_year,
  schoolType: r.school_type,
  from: r.starts_on,
  to: r.ends_on,
  derogationLimit: r.derogation_limit,
});
const windowRecordOf = (r: WindowRow): CampaignWindowRecord => ({
  ...windowOf(r),
  source: r.source,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

export function campaignsRepository(db: Db): CampaignsRepository {
  /** The log is appended in the caller's transaction (the writes below are always given one). */
  return {
    async windowsOf(schoolYears) {
      const rows: WindowRow[] = await db.query(`${WINDOW_SELECT} WHERE school_year = ANY($1)`, [schoolYears]);
      return rows.map(windowOf);
    },

    async derogationsOf(schoolYears, organisationIds) {
      const rows: Array<{ organisation_id: string; school_year: string; until: string }> = await db.query(
        `SELECT organisation_id, school_year, to_char(until, 'YYYY-MM-DD') AS until FROM sco_campaign_derogations WHERE school_year = ANY($1) AND organisation_id = ANY($2)`,
        [schoolYears, organisationIds],
      );
      return rows.map((d) => ({ organisationId: d.organisation_id, schoolYear: d.school_year, until: d.until }));
    },

    async listWindows(schoolYear) {
      const rows: WindowRow[] = await db.query(
        `${WINDOW_SELECT} ${schoolYear ? 'WHERE school_year = $1' : ''} ORDER BY school_year DESC, school_type`,
        schoolYear ? [schoolYear] : [],
      );
      return rows.map(windowRecordOf);
    },

    async findWindow(schoolYear, schoolType, options = {}) {
      const [row]: WindowRow[] = await db.query(
        `${WINDOW_SELECT} WHERE school_year = $1 AND school_type = $2${options.lock ? ' FOR UPDATE' : ''}`,
        [schoolYear, schoolType],
      );
      return row ? windowRecordOf(row) : null;
    },

    async derogationsOfSchoolType(schoolYear, schoolType) {
      const rows: Array<{ organisation_id: string; until: string }> = await db.query(
        `SELECT d.organisation_id, to_char(d.until, 'YYYY-MM-DD') AS until FROM sco_campaign_derogations d JOIN organisations o ON o.id = d.organisation_id
        WHERE d.school_year = $1 AND o.category = $2`,
        [schoolYear, schoolType],
      );
      return rows.map((d) => ({ organisationId: d.organisation_id, until: d.until }));
    },

    async saveWindow(window, { source, actor, before, at }) {
      const tx = transactionManager(db);
      const { schoolYear, schoolType } = window;
      await tx.query(
        `INSERT INTO sco_campaign_windows (school_year, school_type, starts_on, ends_on, derogation_limit, source, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (school_year, school_type) DO UPDATE SET starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, derogation_limit = EXCLUDED.derogation_limit,
         source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [schoolYear, schoolType, window.from, window.to, window.derogationLimit, source, actor],
      );
      await appendToLog(tx, [
        {
          eventKey: `sco-campaign:${schoolYear}:${schoolType}:${at.toISOString()}:${window.from}:${window.to}:${window.derogationLimit}`,
          streamType: CAMPAIGN_STREAM,
          streamId: campaignStreamId(schoolYear),
          type: before ? 'campaign-window-changed' : 'campaign-window-published',
          ruleIds: ['SCO-2'],
          fromState: null,
          toState: null,
          actor,
          reason: source,
          data: { ...window, before },
          occurredAt: at,
        },
      ]);
    },

    async findSchool(organisationId) {
      const [school]: Array<{ id: string; name: string; category: string }> = await db.query(
        `SELECT id, name, category FROM organisations WHERE id = $1`,
        [organisationId],
      );
      return school ?? null;
    },

    async lockDerogation(organisationId, schoolYear) {
      const [row]: Array<{ until: string }> = await db.query(
        `SELECT to_char(until, 'YYYY-MM-DD') AS until FROM sco_campaign_derogations WHERE organisation_id = $1 AND school_year = $2 FOR UPDATE`,
        [organisationId, schoolYear],
      );
      return row?.until ?? null;
    },

    async saveDerogation({ organisationId, schoolYear, until }, { schoolType, reason, actor, before, at }) {
      const tx = transactionManager(db);
      await tx.query(
        `INSERT INTO sco_campaign_derogations (organisation_id, school_year, until, reason, granted_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (organisation_id, school_year) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason, granted_by = EXCLUDED.granted_by, granted_at = now()`,
        [organisationId, schoolYear, until, reason, actor],
      );
      await appendToLog(tx, [
        {
          eventKey: `sco-campaign:${schoolYear}:derogation:${organisationId}:${at.toISOString()}:${until}`,
          streamType: CAMPAIGN_STREAM,
          streamId: campaignStreamId(schoolYear),
          type: 'campaign-derogation-granted',
          ruleIds: ['SCO-2'],
          fromState: null,
          toState: null,
          actor,
          reason,
          data: { organisationId, schoolYear, schoolType, until, before },
          occurredAt: at,
        },
      ]);
    },

    async listDerogations(schoolYear) {
      const rows: Array<{
        organisation_id: string;
        name: string;
        category: string;
        until: string;
        reason: string;
        granted_by: string;
        granted_at: Date;
      }> = await db.query(
        `SELECT d.organisation_id, o.name, o.category, to_char(d.until, 'YYYY-MM-DD') AS until, d.reason, d.granted_by, d.granted_at
       FROM sco_campaign_derogations d JOIN organisations o ON o.id = d.organisation_id WHERE d.school_year = $1 ORDER BY o.name`,
        [schoolYear],
      );
      return rows.map((r) => ({
        organisationId: r.organisation_id,
        organisationName: r.name,
        schoolType: r.category,
        until: r.until,
        reason: r.reason,
        grantedBy: r.granted_by,
        grantedAt: r.granted_at,
      }));
    },
  };
}
