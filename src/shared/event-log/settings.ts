import { type AuditKeyring, AuditKeyConfigError, auditKeysFromEnv } from './keys';

/**
 * Issue 12: where this process finds the audit log's keys and its checkpoint sink. The composition root
 * (src/system.ts) configures them at start; a process that did not (a test worker, a script) falls back
 * to AUDIT_LOG_KEYS / AUDIT_LOG_KEY_ID and AUDIT_CHECKPOINT_DIR from its environment.
 */
export interface AuditSettings {
  keyring: AuditKeyring;
  /** The checkpoint sink's directory; null: no checkpoint is written or checked. */
  checkpointDir: string | null;
}

let configured: Partial<AuditSettings> = {};

export function configureAudit(settings: Partial<AuditSettings>): void {
  configured = { ...configured, ...settings };
}

export function auditSettings(): AuditSettings {
  const keyring = configured.keyring ?? auditKeysFromEnv();
  if (!keyring) throw new AuditKeyConfigError('the audit log has no key: AUDIT_LOG_KEYS is not set');
  const checkpointDir = configured.checkpointDir !== undefined ? configured.checkpointDir : process.env.AUDIT_CHECKPOINT_DIR || null;
  return { keyring, checkpointDir };
}
