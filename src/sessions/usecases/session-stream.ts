import { createHash } from 'node:crypto';

/** The event log's stream of one session (SES-10, SES-12): its reports, verdicts, deadlines and remedies. */
export const SESSION_STREAM = 'session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * event_log.stream_id is a uuid while Pix Certif session ids need not be: other ids map to a stable
 * name-based uuid (RFC 4122 version 5 layout over SHA-1), the session id itself stays in each entry's data.
 */
export function sessionStreamId(sessionId: string): string {
  if (UUID.test(sessionId)) return sessionId.toLowerCase();
  const h = createHash('sha1').update(`pix-session:${sessionId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
