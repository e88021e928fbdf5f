import type { RecordSection } from '../../components/RecordTable';
import { count } from '../../format/french';
import type { Records } from './records';

type Member = NonNullable<Records['members']>[number];
/** ELIG-4, QUO-1: the member centres of a network's agrément (their sessions count for the network). */
export const MEMBERS: RecordSection<Member> = {
  id: 'members',
  heading: (n) => `Membres du réseau (${count(n, 'centre', 'centres')})`,
  caption: 'Centres membres du réseau (ELIG-4)',
  columns: [
    { header: 'Centre', cell: (m) => m.name },
    { header: 'UAI', cell: (m) => m.uai ?? '' },
    { header: 'Département', cell: (m) => m.department ?? '' },
    { header: 'Région', cell: (m) => m.regionName ?? '' },
  ],
};
