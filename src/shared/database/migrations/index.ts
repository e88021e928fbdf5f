import { Agrements1763900000200 } from './1763900000200-agrements';
import { SessionQuality1763900000300 } from './1763900000300-session-quality';
import { AgrementDeadlines1763900000500 } from './1763900000500-agrement-deadlines';
import { ApplicationProcedure1763900000000 } from './1763900000000-application-procedure';
import { UsersAndTokens1763900000100 } from './1763900000100-users-and-tokens';
import { ControlVisits1763900000400 } from './1763900000400-control-visits';
import { Sessions1763900000600 } from './1763900000600-sessions';
import { SessionImports1763900000700 } from './1763900000700-session-imports';
import { MonthlyStatements1763900000800 } from './1763900000800-monthly-statements';
import { InspectorsManagement1763900000900 } from './1763900000900-inspectors-management';
import { QuotaOutbox1763900001000 } from './1763900001000-quota-outbox';
import { SessionWorkflowOutbox1763900001100 } from './1763900001100-session-workflow-outbox';
import { SessionImportProgress1763900001200 } from './1763900001200-session-import-progress';
import { SessionRemedies1763900001300 } from './1763900001300-session-remedies';
import { DataBreaches1763900001400 } from './1763900001400-data-breaches';
import { SessionRetention1763900001500 } from './1763900001500-session-retention';
import { BillingPayability1763900002000 } from './1763900002000-billing-payability';
import { RuleSetVersionsAndCampaigns1763900002200 } from './1763900002200-rule-set-versions-and-campaigns';
import { WorkflowStartOutbox1763900003000 } from './1763900003000-workflow-start-outbox';
import { OutboxDeliveryAndAttention1763900003500 } from './1763900003500-outbox-delivery-and-attention';
import { SessionImportResume1763900003600 } from './1763900003600-session-import-resume';
import { IdempotencyKeys1763900003700 } from './1763900003700-idempotency-keys';
import { AuditLogKeys1763900003800 } from './1763900003800-audit-log-keys';
import { TokenLifetimeAndAccessReviews1763900003900 } from './1763900003900-token-lifetime-and-access-reviews';
import { CentreSearch1763900004000 } from './1763900004000-centre-search';
import { JournalIndex1763900005000 } from './1763900005000-journal-index';
import { TokenScopes1763900005010 } from './1763900005010-token-scopes';
import { EmailRendering1763900070000 } from './1763900070000-email-rendering';
import { PeriodicJobRuns1763900072000 } from './1763900072000-periodic-job-runs';
import { FailedAuthentications1763900072010 } from './1763900072010-failed-authentications';
import { DashboardReadTables1763900075000 } from './1763900075000-dashboard-read-tables';
import { CentreSearchWithoutPendingList1763900076000 } from './1763900076000-centre-search-without-pending-list';
import { EmailSendsInDoubt1763900077000 } from './1763900077000-email-sends-in-doubt';
import { QuotaOutboxImport1763900078000 } from './1763900078000-quota-outbox-import';
import { QuotaWindowEnd1763900079000 } from './1763900079000-quota-window-end';
import { QuotaProjection1763900080000 } from './1763900080000-quota-projection';
import { DashboardDeadlines1763900081000 } from './1763900081000-dashboard-deadlines';
import { DashboardWatchlist1763900082000 } from './1763900082000-dashboard-watchlist';
import { QuotaBasisKey1763900083000 } from './1763900083000-quota-basis-key';
import { AgrementLegalColumns1763900084000 } from './1763900084000-agrement-legal-columns';
import { SpoolDeflate1763900085000 } from './1763900085000-spool-deflate';
import { SessionContentHashOnErasure1763900086000 } from './1763900086000-session-content-hash-on-erasure';
import { QuotaRiskCounts1763900087000 } from './1763900087000-quota-risk-counts';

/** Migrations in order; listed explicitly so they run the same from src/ (vitest) and dist/ (tsc). */
export const MIGRATIONS = [
  ApplicationProcedure1763900000000,
  UsersAndTokens1763900000100,
  Agrements1763900000200,
  SessionQuality1763900000300,
  AgrementDeadlines1763900000500,
  ControlVisits1763900000400,
  Sessions1763900000600,
  SessionImports1763900000700,
  MonthlyStatements1763900000800,
  InspectorsManagement1763900000900,
  QuotaOutbox1763900001000,
  SessionWorkflowOutbox1763900001100,
  SessionImportProgress1763900001200,
  SessionRemedies1763900001300,
  DataBreaches1763900001400,
  SessionRetention1763900001500,
  BillingPayability1763900002000,
  RuleSetVersionsAndCampaigns1763900002200,
  WorkflowStartOutbox1763900003000,
  OutboxDeliveryAndAttention1763900003500,
  SessionImportResume1763900003600,
  IdempotencyKeys1763900003700,
  AuditLogKeys1763900003800,
  TokenLifetimeAndAccessReviews1763900003900,
  CentreSearch1763900004000,
  JournalIndex1763900005000,
  TokenScopes1763900005010,
  EmailRendering1763900070000,
  PeriodicJobRuns1763900072000,
  FailedAuthentications1763900072010,
  DashboardReadTables1763900075000,
  CentreSearchWithoutPendingList1763900076000,
  EmailSendsInDoubt1763900077000,
  QuotaOutboxImport1763900078000,
  QuotaWindowEnd1763900079000,
  QuotaProjection1763900080000,
  DashboardDeadlines1763900081000,
  DashboardWatchlist1763900082000,
  QuotaBasisKey1763900083000,
  AgrementLegalColumns1763900084000,
  SpoolDeflate1763900085000,
  SessionContentHashOnErasure1763900086000,
  QuotaRiskCounts1763900087000,
];
