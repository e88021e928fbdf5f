/**
 * The e-mail catalogue (issue 13): every template the engine sends, keyed by its name, with the ONE definition
 * of its data (a const JSON Schema, src/shared/domain/notification.ts) from which both the TypeScript type
 * (TemplateData<N>) and the runtime check at queue time (src/mail/infra/template-data.ts) derive. The handlebars
 * files templates/<name>.{subject,html,txt}.hbs render that data.
 *
 * Where the definitions live: one file per producing context, in its domain (src/<context>/domain/notification-templates.ts).
 * The context that decides to write owns what it writes: its builders (pure domain code, e.g.
 * src/agrement/domain/notifications.ts) are typed by its definitions without reaching into the mail module, and the
 * numbers a letter quotes when its producer left them out (the cure period, the visit cost cap…) are that
 * context's rules and parameters, not the mail module's. The mail module only gathers them here, checks and renders.
 */
import { AGREMENT_TEMPLATES } from '../../agrement/domain/notification-templates';
import { APPLICATION_TEMPLATES } from '../../application/domain/notification-templates';
import { AUDIT_TEMPLATES } from '../../audit/domain/notification-templates';
import { BILLING_TEMPLATES } from '../../billing/domain/notification-templates';
import type { DataOfTemplates, TemplateDefinition } from '../../shared/domain/notification';
import { SESSION_TEMPLATES } from '../../sessions/domain/notification-templates';
import { VISIT_TEMPLATES } from '../../visits/domain/notification-templates';

const A = AGREMENT_TEMPLATES;
const S = SESSION_TEMPLATES;

/** Keyed by template name; in this order (the order of TEMPLATE_NAMES). */
export const TEMPLATES = {
  ...APPLICATION_TEMPLATES,
  // The agrément lifecycle (issue 3): sent to the centre unless stated otherwise.
  'agrement-renewal-reminder': A['agrement-renewal-reminder'],
  'agrement-renewal-missed': A['agrement-renewal-missed'],
  'agrement-renewal-missed-operations': A['agrement-renewal-missed-operations'],
  'agrement-renewed': A['agrement-renewed'],
  'agrement-expired': A['agrement-expired'],
  'agrement-suspended': A['agrement-suspended'],
  'agrement-suspension-lifted': A['agrement-suspension-lifted'],
  'control-visit-demanded': A['control-visit-demanded'],
  'breach-notice': A['breach-notice'],
  'breach-cured': A['breach-cured'],
  'termination-proposed': A['termination-proposed'],
  'breach-proposed': A['breach-proposed'],
  'termination-notice': A['termination-notice'],
  'agrement-terminated': A['agrement-terminated'],
  'quota-warning': A['quota-warning'],
  'badge-reminder': A['badge-reminder'],
  // REF-4: the référent's yearly contribution falls short before the year ends (centre and operations).
  'referent-contribution-warning': A['referent-contribution-warning'],
  'referent-training-required': A['referent-training-required'],
  'cahier-change-notice': A['cahier-change-notice'],
  // AGR-5 (Conv art. 8.2): a non-substantial change, after 1 month's notice (written when a rule set is published).
  'cahier-minor-change-notice': S['cahier-minor-change-notice'],
  'force-majeure-started': A['force-majeure-started'],
  'force-majeure-ended': A['force-majeure-ended'],
  'labour-documents-requested': A['labour-documents-requested'],
  // SES-9, SUS-2, SUS-6, TER-3, TER-5, AGR-4, BRE-1: the planned sessions a suspension, a notice or an end affects.
  'planned-sessions-affected': A['planned-sessions-affected'],
  // Control visits (issue 5, VIS-1..5).
  ...VISIT_TEMPLATES,
  // Session finalisation (issue 4, SES-10).
  'session-finalisation-reminder': S['session-finalisation-reminder'],
  'session-finalisation-overdue': S['session-finalisation-overdue'],
  // Remedy after an incident attributable to the centre (SES-12).
  'session-remedy-required': S['session-remedy-required'],
  'session-remedy-overdue': S['session-remedy-overdue'],
  // Monthly statements (issue 4, BIL-1).
  ...BILLING_TEMPLATES,
  // Issue 12: a signed checkpoint of the audit log, for the legal team to keep.
  ...AUDIT_TEMPLATES,
} as const satisfies Record<string, TemplateDefinition>;

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

type DataOfCatalogue = DataOfTemplates<typeof TEMPLATES>;
/** The data of each template, as its producer passes it (an interface: `TemplateDataMap[N]` is an object for any N). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the interface is the point (see above)
export interface TemplateDataMap extends DataOfCatalogue {}
export type TemplateData<N extends TemplateName> = TemplateDataMap[N];
