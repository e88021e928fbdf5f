import { withoutPassword } from '../shared/url-without-password';

/** The shapes of the values environment variables take, checked at start with a message naming the variable. */

/** `host:port`, an IPv6 host in brackets, the port at most 65535. */
export function hostPort(name: string, value: string, example: string): string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw new Error(`${name} must be host:port (e.g. ${example}), got ${JSON.stringify(value)}`);
  return value;
}

/** A whole number from `min` to `max`; `unit` names what it counts in the message (e.g. "connections"). */
export function wholeNumber(name: string, raw: string, min: number, max: number, unit?: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** A PostgreSQL connection URL (`postgres://` or `postgresql://`, with a host, or a socket directory in `?host=`). */
export function postgresUrl(name: string, raw: string): string {
  const url = parsedUrl(raw);
  const host = url && (url.hostname || url.searchParams.get('host'));
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol) || !host)
    throw new Error(`${name} must be a PostgreSQL URL (e.g. postgres://user:password@db.internal:5432/pix_agrement), got ${redacted(raw)}`);
  return raw;
}

/** An SMTP URL (`smtp://` or `smtps://`, with a host). */
export function smtpUrl(name: string, raw: string): string {
  const url = parsedUrl(raw);
  if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname)
    throw new Error(`${name} must be an SMTP URL (e.g. smtps://user:password@smtp.example.org:465), got ${redacted(raw)}`);
  return raw;
}

/** A refused URL quoted in a message (it goes to the logs). */
const redacted = (raw: string) => JSON.stringify(withoutPassword(raw));

function parsedUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** Issue 15: every setting the start refuses, said at once; each message names its variable. */
export class ConfigurationRefused extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigurationRefused';
  }
}

/**
 * Reads settings one by one, keeping each refusal instead of stopping at the first: `read` returns the setting, or
 * undefined when it was refused; `done` then throws every refusal as one ConfigurationRefused.
 */
export function settingsReader(): { read: <T>(setting: () => T) => T | undefined; done: () => void } {
  const problems: string[] = [];
  return {
    read: (setting) => {
      try {
        return setting();
      } catch (err) {
        problems.push(...(err instanceof ConfigurationRefused ? err.problems : [err instanceof Error ? err.message : String(err)]));
        return undefined;
      }
    },
    done: () => {
      if (problems.length) throw new ConfigurationRefused(problems);
    },
  };
}
