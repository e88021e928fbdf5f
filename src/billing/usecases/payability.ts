import { isoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { payabilityRepository } from '../infra/payability.repository';
import type { PayabilityRepository } from './ports';

/** The rules that make what a centre owes payable at once. */
export const PAYABLE_AT_ONCE_RULES = ['SUS-3', 'TER-5'] as const;
export type PayableAtOnceRule = (typeof PAYABLE_AT_ONCE_RULES)[number];

export { ORGANISATION_STREAM } from './statement-stream';

function checkDate(field: string, value: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || isoDate(parseIsoDate(value)) !== value)
    throw new InvalidCommand(field, `${field} must be an ISO date YYYY-MM-DD (got ${value})`);
}

export interface AmountsPayableNow {
  organisationId: string;
  on: string;
  ruleId: PayableAtOnceRule;
  /** The statements whose due date this call brought forward (none on a repeated call). */
  statements: Array<{ id: string; month: string; state: string; payableOn: string }>;
}

/**
 * SUS-3 (Conv art. 25), TER-5 (Conv art. 27.1): when the agrément is suspended or ends, every sum owed to
 * Pix becomes payable at once. From `on` (the day of the suspension or of the end, Europe/Paris):
 * - each statement of the organisation not yet paid is payable on `on`: a statement not yet sent is due by
 *   the end of that day (no longer the 5th), an invoice is due that day (or on its issue day when issued
 *   later) instead of 30 days after issue, so BIL-2 interest runs from the day after;
 * - statements prepared later (the sessions held before the end) are payable at once too, until
 *   `liftAmountsPayableNow` (a suspension lifted, SUS-4).
 * `organisationId` is the agrément's organisation: for a network (SUS-6), its coordinating entity, whose
 * member centres' statements are covered too. Idempotent: a second call with the same or a later day
 * changes nothing; an earlier day wins.
 */
export async function makeAmountsPayableNow(
  deps: Pick<ApplicationDeps, 'db'>,
  input: { organisationId: string; on: string; ruleId: PayableAtOnceRule; actor?: string },
): Promise<AmountsPayableNow> {
  checkDate('on', input.on);
  if (!(PAYABLE_AT_ONCE_RULES as readonly string[]).includes(input.ruleId))
    throw new InvalidCommand('ruleId', `ruleId must be one of ${PAYABLE_AT_ONCE_RULES.join(', ')}`);
  return deps.db.transaction((m) => amountsPayableNow(payabilityRepository(m), { ...input, actor: input.actor ?? 'system' }));
}

/** The core of makeAmountsPayableNow, over its repository (the caller's transaction). */
export async function amountsPayableNow(
  payability: PayabilityRepository,
  input: { organisationId: string; on: string; ruleId: PayableAtOnceRule; actor: string },
): Promise<AmountsPayableNow> {
  if (!(await payability.makeOrganisationsPayableFrom(input.organisationId, input.on, input.ruleId))) {
    if (!(await payability.organisationExists(input.organisationId)))
      throw new NotFound(`organisation ${input.organisationId} not found`, { organisationId: input.organisationId });
  }
  const statements = await payability.makeStatementsPayableFrom(input.organisationId, input.on, input.ruleId, input.actor);
  return {
    organisationId: input.organisationId,
    on: input.on,
    ruleId: input.ruleId,
    statements: statements.map((st) => ({ id: st.id, month: st.month, state: st.state, payableOn: st.payableOn })),
  };
}

/**
 * SUS-4: the suspension is lifted: statements prepared from now on follow the normal terms again (BIL-1,
 * BIL-2). What became payable at once during the suspension stays so (SUS-3). Idempotent; never undoes TER-5.
 */
export async function liftAmountsPayableNow(deps: Pick<ApplicationDeps, 'db'>, input: { organisationId: string }): Promise<void> {
  await payabilityRepository(deps.db).liftSuspensionPayability(input.organisationId);
}

/**
 * BIL-2: operations record that insolvency proceedings (sauvegarde, redressement, liquidation judiciaire)
 * were opened for the organisation (or closed: false). Invoices due on or after the opening then carry no
 * 40 € recovery indemnity; late interest is unchanged (see lateInterest). Audited in the event log.
 */
export async function setInsolvencyProceedings(
  deps: Pick<ApplicationDeps, 'db' | 'now'>,
  organisationId: string,
  body: { insolvencyProceedings: boolean; openedOn?: string | null },
  actor: string,
) {
  if (body.openedOn) checkDate('openedOn', body.openedOn);
  const openedOn = body.insolvencyProceedings ? (body.openedOn ?? null) : null;
  return deps.db.transaction(async (m) => {
    const payability = payabilityRepository(m);
    const before = await payability.lockInsolvencyProceedings(organisationId);
    if (before === undefined) throw new NotFound(`organisation ${organisationId} not found`, { organisationId });
    await payability.recordInsolvencyProceedings(
      organisationId,
      { insolvencyProceedings: body.insolvencyProceedings, openedOn },
      before,
      actor,
      deps.now(),
    );
    return { organisationId, insolvencyProceedings: body.insolvencyProceedings, openedOn };
  });
}
