import { dateFr } from '../../format/french';
import { EVENTS, label } from '../../format/labels';

/** A deadline's outcome as the ledger (GET /agrements/{id}) and the what-if give it. */
export interface DeadlineOutcome {
  outcome?: string;
  outcomeOn?: string | null;
  outcomeBy?: string | null;
  supersededByOn?: string | null;
}

/** Issue 10 §3: what became of a deadline, in words. */
export function outcome(d: DeadlineOutcome): string {
  const events = (by: string | null | undefined) =>
    by
      ? by
          .split(', ')
          .map((t) => label(EVENTS, t))
          .join(', ')
      : '';
  const by = d.outcomeBy ? ` (${events(d.outcomeBy)})` : '';
  switch (d.outcome) {
    case 'pending':
      return 'à venir';
    case 'met':
      return `respectée le ${dateFr(d.outcomeOn)}${by}`;
    case 'missed':
      return `manquée${d.outcomeBy ? ` — suite : ${events(d.outcomeBy)}` : ''}`;
    case 'reached':
      return `atteinte le ${dateFr(d.outcomeOn)}${d.outcomeBy ? ` — suite : ${events(d.outcomeBy)}` : ''}`;
    case 'cancelled':
      return `annulée${d.outcomeOn ? ` le ${dateFr(d.outcomeOn)}` : ''}${by}`;
    case 'superseded':
      return `remplacée par ${d.supersededByOn ? `l’échéance du ${dateFr(d.supersededByOn)}` : 'une autre échéance'}${by}`;
    default:
      return d.outcome ?? '';
  }
}
