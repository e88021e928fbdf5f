/**
 * SCO-2: the port of the campaign windows and derogations (implemented by src/sessions/infra/campaigns.repository.ts).
 * Plain types: use cases depend on this, never on the SQL behind it.
 */
import type { CampaignDerogation, CampaignWindow } from '../domain/campaigns';

/** A published window, with who entered it and from which source. */
export interface CampaignWindowRecord extends CampaignWindow {
  source: string;
  updatedBy: string;
  updatedAt: Date;
}

/** An organisation as a derogation needs it: its category tells whether it is a secondary school (SCO-1). */
export interface CampaignSchool {
  id: string;
  name: string;
  category: string;
}

/** A derogation as operations list it. */
export interface DerogationRecord {
  organisationId: string;
  organisationName: string;
  schoolType: string;
  until: string;
  reason: string;
  grantedBy: string;
  grantedAt: Date;
}

export interface CampaignsRepository {
  /** The windows of these school years (for judging sessions). */
  windowsOf(schoolYears: readonly string[]): Promise<CampaignWindow[]>;
  /** The derogations of these schools in these school years. */
  derogationsOf(schoolYears: readonly string[], organisationIds: readonly string[]): Promise<CampaignDerogation[]>;
  /** Every window (of one school year when given), latest year first. */
  listWindows(schoolYear?: string): Promise<CampaignWindowRecord[]>;
  /** The window of a school year and school type; `lock`: held until the transaction ends. */
  findWindow(schoolYear: string, schoolType: string, options?: { lock?: boolean }): Promise<CampaignWindowRecord | null>;
  /** The derogations granted in a school year to the schools of a school type. */
  derogationsOfSchoolType(schoolYear: string, schoolType: string): Promise<Array<{ organisationId: string; until: string }>>;
  /**
   * Publishes (or replaces) a window and logs it (campaign-window-published, or -changed when `before` is
   * given) in the same transaction.
   */
  saveWindow(window: CampaignWindow, change: { source: string; actor: string; before: CampaignWindow | null; at: Date }): Promise<void>;
  findSchool(organisationId: string): Promise<CampaignSchool | null>;
  /** The date a school's derogation runs to, locked until the transaction ends; null: none granted. */
  lockDerogation(organisationId: string, schoolYear: string): Promise<string | null>;
  /** Grants (or replaces) a derogation and logs it (campaign-derogation-granted) in the same transaction. */
  saveDerogation(
    derogation: CampaignDerogation,
    change: { schoolType: string; reason: string; actor: string; before: string | null; at: Date },
  ): Promise<void>;
  /** The derogations of a school year, by school name. */
  listDerogations(schoolYear: string): Promise<DerogationRecord[]>;
}
