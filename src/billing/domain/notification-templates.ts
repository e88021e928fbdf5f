import { dateOrInstant, finite, flag, text } from '../../shared/domain/notification';

/**
 * BIL-1: a centre's monthly statement of its paying sessions, prepared, reminded and overdue: the data the three
 * templates render, as a JSON Schema from which its type and its runtime check both derive
 * (src/shared/domain/notification.ts). Written by src/billing/workflows/statement.workflow.ts.
 */
const statement = {
  type: 'object',
  properties: {
    centreName: text,
    month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' },
    /** ISO instant: the end of the 5th, Paris. */
    dueAt: dateOrInstant,
    sessions: finite,
    candidates: finite,
    pixShareInclVatEur: finite,
    pixShareExclVatEur: finite,
    /** statement-reminder: sent after the due day. */
    overdue: flag,
  },
  required: ['centreName', 'month', 'dueAt', 'sessions', 'candidates', 'pixShareInclVatEur', 'pixShareExclVatEur'],
} as const;

export const BILLING_TEMPLATES = {
  'statement-prepared': { schema: statement },
  'statement-reminder': { schema: statement },
  'statement-overdue': { schema: statement },
} as const;

export type BillingTemplateName = keyof typeof BILLING_TEMPLATES;
