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
