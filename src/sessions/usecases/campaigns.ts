/**
 * SCO-2: campaign windows per school year and school type, entered by operations, and derogations granted
 * per school. Every change is audited in the event log (stream "sco-campaign"). Sessions read them in their
 * own transaction (loadCampaigns), so a session is judged against the windows as published when reported.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidCommand, NotFound, TransitionRefused } from '../../shared/domain/errors';
import {
  type CampaignDerogation,
  type CampaignWindow,
  derogationProblem,
  isSchoolYear,
  noWindowMessage,
  SCHOOL_TYPES,
  windowProblems,
} from '../domain/campaigns';
import { appendToLog } from '../../shared/event-log/event-log';
import { uuidFromKey } from '../../shared/usecases/idempotent-ids';

export const CAMPAIGN_STREAM = 'sco-campaign';
/** One stream per school year (the log's stream ids are uuids; the year is in each entry's data). */
export const campaignStreamId = (schoolYear: string) => uuidFromKey(CAMPAIGN_STREAM, schoolYear);

export interface CampaignData {
  windows: readonly CampaignWindow[];
  derogations: readonly CampaignDerogation[];
}

export interface CampaignDeps {
  db: DataSource;
  now: () => Date;
}

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

const windowOf = (r: WindowRow): CampaignWindow => ({ schoolYear: r.school_year, schoolType: r.school_type, from: r.starts_on, to: r.ends_on, derogationLimit: r.derogation_limit });
const windowView = (r: WindowRow) => ({ ...windowOf(r), source: r.source, updatedBy: r.updated_by, updatedAt: r.updated_at });

/** The windows of these school years and the derogations of these schools, for judging sessions. */
export async function loadCampaigns(m: EntityManager, schoolYears: string[], organisationIds: string[]): Promise<CampaignData> {
  if (schoolYears.length === 0) return { windows: [], derogations: [] };
  const windows: WindowRow[] = await m.query(`${WINDOW_SELECT} WHERE school_year = ANY($1)`, [schoolYears]);
  const derogations: Array<{ organisation_id: string; school_year: string; until: string }> = await m.query(
    `SELECT organisation_id, school_year, to_char(until, 'YYYY-MM-DD') AS until FROM sco_campaign_derogations WHERE school_year = ANY($1) AND organisation_id = ANY($2)`,
    [schoolYears, organisationIds],
  );
  return { windows: windows.map(windowOf), derogations: derogations.map((d) => ({ organisationId: d.organisation_id, schoolYear: d.school_year, until: d.until })) };
}

function checkSchoolYear(schoolYear: string): void {
  if (!isSchoolYear(schoolYear)) throw new InvalidCommand('schoolYear', 'schoolYear must be two consecutive years, e.g. 2026-2027');
}

function checkSchoolType(schoolType: string): void {
  if (!(SCHOOL_TYPES as readonly string[]).includes(schoolType)) throw new InvalidCommand('schoolType', `schoolType must be one of: ${SCHOOL_TYPES.join(', ')}`);
}

export async function listCampaignWindows(deps: CampaignDeps, schoolYear?: string) {
  if (schoolYear !== undefined) checkSchoolYear(schoolYear);
  const rows: WindowRow[] = await deps.db.query(
    `${WINDOW_SELECT} ${schoolYear ? 'WHERE school_year = $1' : ''} ORDER BY school_year DESC, school_type`,
    schoolYear ? [schoolYear] : [],
  );
  return rows.map(windowView);
}

export interface WindowInput {
  from: string;
  to: string;
  derogationLimit?: string | null;
  source: string;
}

/** SCO-2: publishes (or corrects) the window of a school year and school type. 201 when new, 200 when replaced. */
export async function putCampaignWindow(deps: CampaignDeps, schoolYear: string, schoolType: string, input: WindowInput, actor: string) {
  checkSchoolYear(schoolYear);
  checkSchoolType(schoolType);
  const window: CampaignWindow = { schoolYear, schoolType, from: input.from, to: input.to, derogationLimit: input.derogationLimit ?? null };
  const [problem] = windowProblems(window);
  if (problem) throw new InvalidCommand(problem[0], problem[1]);
  return deps.db.transaction(async (m) => {
    const [before]: WindowRow[] = await m.query(`${WINDOW_SELECT} WHERE school_year = $1 AND school_type = $2 FOR UPDATE`, [schoolYear, schoolType]);
    // A narrower window or limit must not leave a granted derogation beyond it.
    const beyond: Array<{ organisation_id: string; until: string }> = await m.query(
      `SELECT d.organisation_id, to_char(d.until, 'YYYY-MM-DD') AS until FROM sco_campaign_derogations d JOIN organisations o ON o.id = d.organisation_id
        WHERE d.school_year = $1 AND o.category = $2`,
      [schoolYear, schoolType],
    );
    for (const d of beyond) {
      const why = derogationProblem(window, d.until);
      if (why) throw new TransitionRefused('SCO-2', `the derogation granted to ${d.organisation_id} (until ${d.until}) would no longer fit: ${why}`);
    }
    await m.query(
      `INSERT INTO sco_campaign_windows (school_year, school_type, starts_on, ends_on, derogation_limit, source, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (school_year, school_type) DO UPDATE SET starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, derogation_limit = EXCLUDED.derogation_limit,
         source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [schoolYear, schoolType, window.from, window.to, window.derogationLimit, input.source, actor],
    );
    await appendToLog(m, [
      {
        eventKey: `sco-campaign:${schoolYear}:${schoolType}:${deps.now().toISOString()}:${window.from}:${window.to}:${window.derogationLimit}`,
        streamType: CAMPAIGN_STREAM,
        streamId: campaignStreamId(schoolYear),
        type: before ? 'campaign-window-changed' : 'campaign-window-published',
        ruleIds: ['SCO-2'],
        fromState: null,
        toState: null,
        actor,
        reason: input.source,
        data: { ...window, before: before ? windowOf(before) : null },
        occurredAt: deps.now(),
      },
    ]);
    const [row]: WindowRow[] = await m.query(`${WINDOW_SELECT} WHERE school_year = $1 AND school_type = $2`, [schoolYear, schoolType]);
    return { created: !before, window: windowView(row!) };
  });
}

export interface DerogationInput {
  until: string;
  reason: string;
}

/** SCO-2: a derogation granted to one school (e.g. a collège up to 20 May), within its window's limit. */
export async function grantDerogation(deps: CampaignDeps, schoolYear: string, organisationId: string, input: DerogationInput, actor: string) {
  checkSchoolYear(schoolYear);
  return deps.db.transaction(async (m) => {
    const [school]: Array<{ id: string; name: string; category: string }> = await m.query(`SELECT id, name, category FROM organisations WHERE id = $1`, [organisationId]);
    if (!school) throw new NotFound(`organisation ${organisationId} not found`);
    if (!(SCHOOL_TYPES as readonly string[]).includes(school.category)) {
      throw new TransitionRefused('SCO-2', `${school.name} is not a secondary school (category ${school.category}): campaign derogations are for collèges and lycées (SCO-1, SCO-2)`);
    }
    const [row]: WindowRow[] = await m.query(`${WINDOW_SELECT} WHERE school_year = $1 AND school_type = $2`, [schoolYear, school.category]);
    if (!row) throw new TransitionRefused('SCO-2', noWindowMessage(school.category, schoolYear));
    const why = derogationProblem(windowOf(row), input.until);
    if (why) throw new TransitionRefused('SCO-2', why);
    const [before]: Array<{ until: string }> = await m.query(
      `SELECT to_char(until, 'YYYY-MM-DD') AS until FROM sco_campaign_derogations WHERE organisation_id = $1 AND school_year = $2 FOR UPDATE`,
      [organisationId, schoolYear],
    );
    await m.query(
      `INSERT INTO sco_campaign_derogations (organisation_id, school_year, until, reason, granted_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (organisation_id, school_year) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason, granted_by = EXCLUDED.granted_by, granted_at = now()`,
      [organisationId, schoolYear, input.until, input.reason, actor],
    );
    await appendToLog(m, [
      {
        eventKey: `sco-campaign:${schoolYear}:derogation:${organisationId}:${deps.now().toISOString()}:${input.until}`,
        streamType: CAMPAIGN_STREAM,
        streamId: campaignStreamId(schoolYear),
        type: 'campaign-derogation-granted',
        ruleIds: ['SCO-2'],
        fromState: null,
        toState: null,
        actor,
        reason: input.reason,
        data: { organisationId, schoolYear, schoolType: school.category, until: input.until, before: before?.until ?? null },
        occurredAt: deps.now(),
      },
    ]);
    return {
      created: !before,
      derogation: { organisationId, organisationName: school.name, schoolYear, schoolType: school.category, until: input.until, reason: input.reason, grantedBy: actor },
    };
  });
}

export async function listDerogations(deps: CampaignDeps, schoolYear: string) {
  checkSchoolYear(schoolYear);
  const rows: Array<{ organisation_id: string; name: string; category: string; until: string; reason: string; granted_by: string; granted_at: Date }> = await deps.db.query(
    `SELECT d.organisation_id, o.name, o.category, to_char(d.until, 'YYYY-MM-DD') AS until, d.reason, d.granted_by, d.granted_at
       FROM sco_campaign_derogations d JOIN organisations o ON o.id = d.organisation_id WHERE d.school_year = $1 ORDER BY o.name`,
    [schoolYear],
  );
  return rows.map((r) => ({ organisationId: r.organisation_id, organisationName: r.name, schoolYear, schoolType: r.category, until: r.until, reason: r.reason, grantedBy: r.granted_by, grantedAt: r.granted_at }));
}
