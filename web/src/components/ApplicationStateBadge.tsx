import { Badge } from '@codegouvfr/react-dsfr/Badge';
import type { AlertProps } from '@codegouvfr/react-dsfr/Alert';
import { APPLICATION_STATES, label } from '../format/labels';

const SEVERITY: Record<string, AlertProps.Severity | undefined> = {
  incomplete: 'warning',
  rejected: 'error',
  'attestation-issued': 'success',
};

/** An application's state (APP-2..6) as a DSFR badge, and APP-7's overdue flag; `data-state` carries the code. */
export function ApplicationStateBadge({ state, overdue = false }: { state: string; overdue?: boolean }) {
  return (
    <span data-state={state}>
      <Badge as="span" severity={SEVERITY[state] ?? 'info'} noIcon>
        {label(APPLICATION_STATES, state)}
      </Badge>
      {overdue && (
        <Badge as="span" severity="error" small className="fr-ml-1w">
          En retard
        </Badge>
      )}
    </span>
  );
}
