/**
 * APP-1: who may apply for which organisation. Pix operations enter any application (a paper or e-mailed
 * one included) and so create new organisations; a centre applies only for its own organisation, as Pix
 * recorded it. Pure: the API and the tests share it.
 */
import type { Organisation } from './application';

/** What identifies an organisation in an application: its name, its UAI (DOC-1 exempts a UAI holder from the proof of legal existence) and its e-mail address (every message of the procedure goes there). */
export const IDENTITY_FIELDS = ['name', 'uai', 'email'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export interface RecordedOrganisation {
  name: string;
  uai: string | null;
  email: string;
}

const normalise: Record<IdentityField, (v: string | null | undefined) => string> = {
  // Case, accents' composition and spacing do not make another organisation.
  name: (v) => (v ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr'),
  uai: (v) => (v ?? '').trim().toUpperCase(),
  email: (v) => (v ?? '').trim().toLowerCase(),
};

/** The identity fields in which the declared organisation differs from the recorded one (none: the same organisation). */
export function identityMismatches(
  recorded: RecordedOrganisation,
  declared: Pick<Organisation, 'name' | 'uai' | 'email'>,
): IdentityField[] {
  return IDENTITY_FIELDS.filter((f) => normalise[f](recorded[f]) !== normalise[f](declared[f]));
}
