import { Badge } from '@codegouvfr/react-dsfr/Badge';
import type { AlertProps } from '@codegouvfr/react-dsfr/Alert';
import { label, STATES } from '../format/labels';

const SEVERITY: Record<string, AlertProps.Severity | undefined> = {
  active: 'success',
  suspended: 'warning',
  'under-notice': 'warning',
  terminating: 'error',
  expired: 'info',
  terminated: 'error',
};

/** An agrément's state as a DSFR badge; `data-state` carries the code (for the reader's tools and the tests). */
export function StateBadge({ state }: { state: string }) {
  return (
    <span data-state={state}>
      <Badge as="span" severity={SEVERITY[state]} noIcon>
        {label(STATES, state)}
      </Badge>
    </span>
  );
}
