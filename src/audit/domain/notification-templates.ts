import { dateOrInstant, finite, text } from '../../shared/domain/notification';

/**
 * Issue 12: a signed checkpoint of the audit log (src/shared/event-log/chain.ts), sent to the legal team by
 * src/audit/usecases/checkpoint-round.ts. Its data, as a JSON Schema from which its type and its runtime check
 * both derive (src/shared/domain/notification.ts).
 */
const auditCheckpoint = {
  type: 'object',
  properties: {
    /** The log's last entry. */
    headId: text,
    headHash: text,
    count: finite,
    at: dateOrInstant,
    keyId: text,
    signature: text,
    /** The checkpoint's file in the sink, and the sink's directory. */
    file: text,
    sink: text,
    /** The checkpoint as written (JSON). */
    json: text,
  },
  required: ['headId', 'headHash', 'count', 'at', 'keyId', 'signature', 'file', 'sink', 'json'],
} as const;

export const AUDIT_TEMPLATES = {
  'audit-checkpoint': { schema: auditCheckpoint },
} as const;
