import { DataTable } from '../../components/DataTable';
import { count } from '../../format/french';
import type { Records } from './records';

/** ELIG-4, QUO-1: the member centres of a network's agrément (their sessions count for the network). */
export function NetworkMembers({ members }: { members: NonNullable<Records['members']> }) {
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Membres du réseau ({count(members.length, 'centre', 'centres')})</h2>
      <DataTable
        id="members"
        caption="Centres membres du réseau (ELIG-4)"
        captionHidden
        headers={['Centre', 'UAI', 'Département', 'Région']}
        rows={members.map((m) => [m.name, m.uai ?? '', m.department ?? '', m.regionName ?? ''])}
      />
    </section>
  );
}
