/**
 * SCO-2: campaign windows per school year and school type, entered by operations, and derogations granted
 * per school. Every change is audited in the event log (stream "sco-campaign"). Sessions read them in their
 * own transaction (loadCampaigns), so a session is judged against the windows as published when reported.
 */
import type { DataSource } from 'typeorm';
import type { Db } from '../../shared/database/db';
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
import { campaignsRepository } from '../infra/campaigns.repository';
import type { CampaignsRepository, CampaignWindowRecord } from './campaign-ports';

export { CAMPAIGN_STREAM, campaignStreamId } from '../infra/campaigns.repository';

export interface CampaignData {
  windows: readonly CampaignWindow[];
  derogations: readonly CampaignDerogation[];
}

export interface CampaignDeps {
  db: DataSource;
  now: () => Date;
}

const windowOf = (r: CampaignWindow): CampaignWindow => ({
  schoolYear: r.schoolYear,
  schoolType: r.schoolType,
  from: r.from,
  to: r.to,
  derogationLimit: r.derogationLimit,
});
const windowView = (r: CampaignWindowRecord) => ({ ...windowOf(r), source: r.source, updatedBy: r.updatedBy, updatedAt: r.updatedAt });

/** The windows of these school years and the derogations of these schools, for judging sessions. */
export async function loadCampaigns(m: Db, schoolYears: string[], organisationIds: string[]): Promise<CampaignData> {
  if (schoolYears.length === 0) return { windows: [], derogations: [] };
  const campaigns = campaignsRepository(m);
  const windows = await campaigns.windowsOf(schoolYears);
  return { windows, derogations: await campaigns.derogationsOf(schoolYears, organisationIds) };
}

function checkSchoolYear(schoolYear: string): void {
  if (!isSchoolYear(schoolYear)) throw new InvalidCommand('schoolYear', 'schoolYear must be two consecutive years, e.g. 2026-2027');
}

function checkSchoolType(schoolType: string): void {
  if (!(SCHOOL_TYPES as readonly string[]).includes(schoolType))
    throw new InvalidCommand('schoolType', `schoolType must be one of: ${SCHOOL_TYPES.join(', ')}`);
}

export async function listCampaignWindows(deps: CampaignDeps, schoolYear?: string) {
  if (schoolYear !== undefined) checkSchoolYear(schoolYear);
  return (await campaignsRepository(deps.db).listWindows(schoolYear)).map(windowView);
}

export interface WindowInput {
  from: string;
  to: string;
  derogationLimit?: string | null;
  source: string;
}

/** SCO-2: the window a command describes, checked (400 naming the field). */
export function windowOfInput(schoolYear: string, schoolType: string, input: WindowInput): CampaignWindow {
  checkSchoolYear(schoolYear);
  checkSchoolType(schoolType);
  const window: CampaignWindow = { schoolYear, schoolType, from: input.from, to: input.to, derogationLimit: input.derogationLimit ?? null };
  const [problem] = windowProblems(window);
  if (problem) throw new InvalidCommand(problem[0], problem[1]);
  return window;
}

/**
 * SCO-2: publishes (or replaces) a checked window, inside the caller's transaction, unless a derogation
 * already granted to a school of that type would no longer fit it.
 */
export async function publishWindow(
  campaigns: CampaignsRepository,
  window: CampaignWindow,
  source: string,
  actor: string,
  now: () => Date,
) {
  const { schoolYear, schoolType } = window;
  const before = await campaigns.findWindow(schoolYear, schoolType, { lock: true });
  // A narrower window or limit must not leave a granted derogation beyond it.
  for (const d of await campaigns.derogationsOfSchoolType(schoolYear, schoolType)) {
    const why = derogationProblem(window, d.until);
    if (why)
      throw new TransitionRefused('SCO-2', `the derogation granted to ${d.organisationId} (until ${d.until}) would no longer fit: ${why}`);
  }
  await campaigns.saveWindow(window, { source, actor, before: before ? windowOf(before) : null, at: now() });
  const row = await campaigns.findWindow(schoolYear, schoolType);
  return { created: !before, window: windowView(row!) };
}

/** SCO-2: publishes (or corrects) the window of a school year and school type. 201 when new, 200 when replaced. */
export async function putCampaignWindow(deps: CampaignDeps, schoolYear: string, schoolType: string, input: WindowInput, actor: string) {
  const window = windowOfInput(schoolYear, schoolType, input);
  return deps.db.transaction((m) => publishWindow(campaignsRepository(m), window, input.source, actor, deps.now));
}

export interface DerogationInput {
  until: string;
  reason: string;
}

/** SCO-2: grants a derogation inside the caller's transaction (the school year already checked). */
export async function grantDerogationTo(
  campaigns: CampaignsRepository,
  schoolYear: string,
  organisationId: string,
  input: DerogationInput,
  actor: string,
  now: () => Date,
) {
  const school = await campaigns.findSchool(organisationId);
  if (!school) throw new NotFound(`organisation ${organisationId} not found`);
  if (!(SCHOOL_TYPES as readonly string[]).includes(school.category)) {
    throw new TransitionRefused(
      'SCO-2',
      `${school.name} is not a secondary school (category ${school.category}): campaign derogations are for collèges and lycées (SCO-1, SCO-2)`,
    );
  }
  const window = await campaigns.findWindow(schoolYear, school.category);
  if (!window) throw new TransitionRefused('SCO-2', noWindowMessage(school.category, schoolYear));
  const why = derogationProblem(windowOf(window), input.until);
  if (why) throw new TransitionRefused('SCO-2', why);
  const before = await campaigns.lockDerogation(organisationId, schoolYear);
  await campaigns.saveDerogation(
    { organisationId, schoolYear, until: input.until },
    { schoolType: school.category, reason: input.reason, actor, before, at: now() },
  );
  return {
    created: before === null,
    derogation: {
      organisationId,
      organisationName: school.name,
      schoolYear,
      schoolType: school.category,
      until: input.until,
      reason: input.reason,
      grantedBy: actor,
    },
  };
}

/** SCO-2: a derogation granted to one school (e.g. a collège up to 20 May), within its window's limit. */
export async function grantDerogation(
  deps: CampaignDeps,
  schoolYear: string,
  organisationId: string,
  input: DerogationInput,
  actor: string,
) {
  checkSchoolYear(schoolYear);
  return deps.db.transaction((m) => grantDerogationTo(campaignsRepository(m), schoolYear, organisationId, input, actor, deps.now));
}

export async function listDerogations(deps: CampaignDeps, schoolYear: string) {
  checkSchoolYear(schoolYear);
  const rows = await campaignsRepository(deps.db).listDerogations(schoolYear);
  return rows.map((r) => ({
    organisationId: r.organisationId,
    organisationName: r.organisationName,
    schoolYear,
    schoolType: r.schoolType,
    until: r.until,
    reason: r.reason,
    grantedBy: r.grantedBy,
    grantedAt: r.grantedAt,
  }));
}
