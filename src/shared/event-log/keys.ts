import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PARAMETERS } from '../../config/parameters';

/**
 * Issue 12: the keys of the audit log's HMAC chain and of its checkpoints. They are held outside the
 * database (environment, or a file in the data directory), so that whoever can write to the database
 * cannot re-link the chain after an edit. Each entry names the key that linked it: new entries use the
 * current key; older ones keep verifying with theirs as long as it stays in the keyring (rotation).
 */
export interface AuditKeyring {
  /** Id of the key new entries and checkpoints use. */
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class AuditKeyConfigError extends Error {
  constructor(message: string) {
    super(`${message} (AUDIT_LOG_KEYS="id1:base64secret,id2:base64secret", AUDIT_LOG_KEY_ID=id of the current key; see README, Security)`);
    this.name = 'AuditKeyConfigError';
  }
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Parses AUDIT_LOG_KEYS ("id:base64,…") and AUDIT_LOG_KEY_ID; every problem is named. */
export function parseAuditKeys(raw: string, currentId: string | undefined | null): AuditKeyring {
  const keys = new Map<string, Buffer>();
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = item.indexOf(':');
    const id = colon > 0 ? item.slice(0, colon) : '';
    if (!KEY_ID.test(id))
      throw new AuditKeyConfigError(
        `AUDIT_LOG_KEYS: each key is "id:base64secret" with an id of letters, digits, ".", "_" or "-" (got ${JSON.stringify(item.slice(0, 20))}…)`,
      );
    const b64 = item.slice(colon + 1);
    const secret = Buffer.from(b64, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || secret.length < PARAMETERS.audit.keyMinBytes) {
      throw new AuditKeyConfigError(`AUDIT_LOG_KEYS: key "${id}" must be base64 of at least ${PARAMETERS.audit.keyMinBytes} random bytes`);
    }
    if (keys.has(id)) throw new AuditKeyConfigError(`AUDIT_LOG_KEYS: key id "${id}" is given twice`);
    keys.set(id, secret);
  }
  if (keys.size === 0) throw new AuditKeyConfigError('AUDIT_LOG_KEYS is empty');
  const current = currentId?.trim() || (keys.size === 1 ? [...keys.keys()][0]! : '');
  if (!current) throw new AuditKeyConfigError('AUDIT_LOG_KEY_ID must name the current key when AUDIT_LOG_KEYS holds several');
  if (!keys.has(current))
    throw new AuditKeyConfigError(`AUDIT_LOG_KEY_ID "${current}" is not among the ids of AUDIT_LOG_KEYS (${[...keys.keys()].join(', ')})`);
  return { currentId: current, keys };
}

/** The keyring from the environment, or null when AUDIT_LOG_KEYS is not set. */
export function auditKeysFromEnv(env: NodeJS.ProcessEnv = process.env): AuditKeyring | null {
  if (!env.AUDIT_LOG_KEYS) {
    if (env.AUDIT_LOG_KEY_ID) throw new AuditKeyConfigError('AUDIT_LOG_KEY_ID is set but AUDIT_LOG_KEYS is not');
    return null;
  }
  return parseAuditKeys(env.AUDIT_LOG_KEYS, env.AUDIT_LOG_KEY_ID);
}

export const AUDIT_KEY_FILE = 'audit-log-keys';

/**
 * `./dev start` without AUDIT_LOG_KEYS: a key generated once in the data directory (outside the database),
 * mode 0600, and reused. Its content has the environment's format; its last id is the current key.
 */
export function localAuditKeyring(dataDir: string): AuditKeyring {
  const file = path.join(dataDir, AUDIT_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const id = `local-${new Date().toISOString().slice(0, 10)}`;
    try {
      writeFileSync(file, `${id}:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Written meanwhile by another process: use that one.
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines.at(-1)?.split(':')[0];
  return parseAuditKeys(lines.join(','), last);
}
