import { unavailableDependency } from './dependency-errors';

/** Says all there is to say: a start that fails on it logs its message, not a stack. */
export class UnreachableAtStart extends Error {
  override name = 'UnreachableAtStart';
}

/**
 * Issue 15: a service the start cannot reach, said with the setting that points to it ("Temporal at
 * temporal:7233 (TEMPORAL_ADDRESS) did not answer: …") rather than a driver's words alone (ECONNREFUSED, a tonic
 * transport error). `setting` is null for a service the process started itself.
 */
export async function reachedAtStart<T>(
  service: 'PostgreSQL' | 'Temporal',
  where: { address: string; setting: string | null },
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    // PostgreSQL's own refusals (a role with too many rights, a database not migrated) say what they mean already.
    if (service === 'PostgreSQL' && !unreachableOrRefused(err)) throw err;
    const setting = where.setting ? ` (${where.setting})` : '';
    const what = service === 'PostgreSQL' && CREDENTIALS_REFUSED.has(codeOf(err)) ? 'refused the connection' : 'did not answer';
    throw new UnreachableAtStart(`${service} at ${where.address}${setting} ${what}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/** PostgreSQL refusing who connects: 28P01 a wrong password, 28000 no such role, 3D000 no such database. */
const CREDENTIALS_REFUSED = new Set<unknown>(['28P01', '28000', '3D000']);

const codeOf = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;

function unreachableOrRefused(err: unknown): boolean {
  return unavailableDependency(err) === 'database' || CREDENTIALS_REFUSED.has(codeOf(err));
}

/** host:port of a PostgreSQL URL, for a message (never its credentials). */
export function databaseAddress(url: string): string {
  const u = new URL(url);
  return `${u.hostname || u.searchParams.get('host') || 'localhost'}:${u.port || 5432}`;
}
