import type { Agrement, AgrementEvent, Proposal, TerminationCause } from './model';
import type { AgrementLetter, AgrementTemplateData, AgrementTemplateName } from './notification-templates';

/**
 * The e-mails the agrément's events lead to: who receives which template with which data. Built
 * from the recorded facts, so events carry neither French text nor template names; the French
 * wording of causes and grounds lives here, beside the templates' data.
 */

/** A letter of the lifecycle: its template, its data typed by the template's definition (notification-templates.ts), and to whom. */
export type Email = AgrementLetter & { audience: 'centre' | 'operations' | 'legal' };

/** What build() writes of a letter: every field but the two the lifecycle letters share, added by emailsFor. */
type Common = 'organisationName' | 'agrementReference';
export type LetterDraft<N extends AgrementTemplateName = AgrementTemplateName> = {
  [K in N]: { template: K; audience: Email['audience']; data: Omit<AgrementTemplateData[K], Common> };
}[N];

const CAUSE_FR: Record<TerminationCause, string> = {
  convenience: 'résiliation pour convenance à la demande du centre',
  quota: 'nombre de candidats inférieur au seuil à 3 ans',
  'cahier-change': 'refus des modifications substantielles du cahier des charges',
  breach: 'manquement grave non corrigé dans le délai de la mise en demeure',
  visit: 'refus ou absence de réponse à la demande de visite de contrôle',
  'force-majeure': 'force majeure prolongée au-delà de 2 mois',
  'labour-documents': 'documents de droit du travail non fournis dans les 15 jours',
};

/** What the legal team reads of the engine's own proposals (BRE-4). */
export function proposalReasonFr(cause: Proposal['cause'], grounds: Record<string, unknown>): string {
  if (cause === 'badge') return `badge « Référent Pix » non présenté au ${String(grounds.badgeDueOn)}, 6 mois après l'agrément`;
  if (cause === 'quota') return `${String(grounds.candidates)} candidats en 3 ans pour un seuil de ${String(grounds.target)}`;
  if (cause === 'visit-findings') return 'constats de la visite de contrôle';
  return CAUSE_FR[cause];
}

/** The reference every lifecycle e-mail carries, e.g. "AGR-3F2A9C1B". */
export function agrementReference(a: Pick<Agrement, 'agrementId'>): string {
  return `AGR-${a.agrementId.slice(0, 8).toUpperCase()}`;
}

const centre = <N extends AgrementTemplateName>(template: N, data: Omit<AgrementTemplateData[N], Common>) => ({
  template,
  audience: 'centre' as const,
  data,
});

export function emailsFor(event: AgrementEvent, a: Agrement): Email[] {
  const d = event.data as Record<string, unknown>;
  const emails = build(event, a, d);
  const common = { organisationName: a.organisationName, agrementReference: agrementReference(a) };
  // Each draft is typed by its template; the shared fields complete it (a join TypeScript cannot follow).
  return emails.map((e) => ({ ...e, data: { ...common, ...e.data } }) as Email);
}

// Event data is typed per event type only by the procedure that wrote it; each letter built from it is checked
// against its template's schema when queued (mail/infra/template-data.ts), so a missing field is refused there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function build(event: AgrementEvent, a: Agrement, d: Record<string, any>): LetterDraft[] {
  switch (event.type) {
    case 'renewal-reminder':
      return [centre('agrement-renewal-reminder', { termOn: d.termOn, renewalDueOn: d.renewalDueOn, daysLeft: d.daysLeft })];
    case 'renewal-request-missed': {
      const data = { termOn: d.termOn, renewalDueOn: d.renewalDueOn };
      return [centre('agrement-renewal-missed', data), { template: 'agrement-renewal-missed-operations', audience: 'operations', data }];
    }
    case 'renewed':
      return [centre('agrement-renewed', { previousTermOn: d.previousTermOn, newTermOn: d.newTermOn, years: d.years })];
    case 'expired':
      return [centre('agrement-expired', { termOn: d.termOn, confidentialityUntil: d.confidentialityUntil })];
    case 'terminated':
      return [
        centre('agrement-terminated', {
          effectiveOn: d.on,
          causeRuleId: d.causeRuleId,
          causeFr: CAUSE_FR[d.cause as TerminationCause],
          confidentialityUntil: d.confidentialityUntil,
        }),
      ];
    case 'referent-contribution-warning':
      // REF-4: the days recorded for the year, the days required and the last day to reach them.
      return (['centre', 'operations'] as const).map((audience) => ({
        template: 'referent-contribution-warning',
        audience,
        data: {
          referentName: d.referentName,
          agrementYear: d.agrementYear,
          days: d.days,
          required: d.required,
          yearEndsOn: d.yearEndsOn,
          audience,
        },
      }));
    case 'badge-reminder':
      return [centre('badge-reminder', { referentName: d.referentName, badgeDueOn: d.badgeDueOn, daysLeft: d.daysLeft })];
    case 'quota-warning':
      return (['centre', 'operations'] as const).map((audience) => ({
        template: 'quota-warning',
        audience,
        data: {
          checkpointOn: d.checkpointOn,
          candidates: d.candidates,
          target: d.target,
          projected: d.projected,
          deadlineOn: d.deadlineOn,
          monthsElapsed: d.monthsElapsed,
          audience,
        },
      }));
    case 'termination-proposed':
    case 'breach-notice-proposed':
    case 'suspension-proposed': {
      // BRE-4: nobody is asked when the engine confirms itself; VIS-4: the visits side already wrote to the legal team.
      if (d.automatic || d.cause === 'visit-findings') return [];
      const p = a.proposals.find((x) => x.id === d.proposalId);
      return [
        {
          template: event.type === 'termination-proposed' ? 'termination-proposed' : 'breach-proposed',
          audience: 'legal',
          data: {
            proposalRuleId: d.proposalRuleId,
            reasonFr: p?.reasonFr ?? proposalReasonFr(d.cause as Proposal['cause'], d),
            proposedOn: d.proposedOn,
          },
        },
      ];
    }
    case 'termination-notice': {
      const { cause, noticeOn, effectiveOn, candidates, target } = d;
      return [centre('termination-notice', { cause, noticeOn, effectiveOn, ...(candidates !== undefined ? { candidates, target } : {}) })];
    }
    case 'suspended':
      return [centre('agrement-suspended', { since: d.since, reason: d.reason })];
    case 'suspension-lifted':
      return [centre('agrement-suspension-lifted', { since: d.since, liftedOn: d.liftedOn })];
    case 'breach-notified':
      return [
        centre('breach-notice', {
          letterSentOn: d.letterSentOn,
          cureDueOn: d.cureDueOn,
          reason: d.reason,
          suspendedDaysDeducted: d.suspendedDaysDeducted,
        }),
      ];
    case 'breach-cured':
      return [centre('breach-cured', { curedOn: d.curedOn, evidence: d.evidence })];
    case 'visit-demanded':
      return [centre('control-visit-demanded', { demandedOn: d.demandedOn, answerDueOn: d.answerDueOn, costCapEur: d.costCapEur })];
    case 'force-majeure-started':
      return [centre('force-majeure-started', { since: d.since, terminatesOn: d.terminatesOn })];
    case 'force-majeure-ended':
      return [centre('force-majeure-ended', { since: d.since, endedOn: d.endedOn })];
    case 'cahier-change-notified':
      return [
        centre('cahier-change-notice', { notifiedOn: d.notifiedOn, applyBy: d.applyBy, effectiveOn: d.effectiveOn, summary: d.summary }),
      ];
    case 'referent-changed':
      return [centre('referent-training-required', { referentName: d.name, changedOn: d.on })];
    case 'labour-documents-requested':
      return [centre('labour-documents-requested', { requestedOn: d.requestedOn, dueOn: d.dueOn })];
    default:
      return [];
  }
}
