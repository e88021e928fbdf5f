import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { LogEntry, NewLogEntry } from './event-log';
import type { AuditKeyring } from './keys';

/**
 * Issue 12: the audit log's chain and its checkpoints, as pure functions (no database, no files).
 *
 * Each entry stores the hash of the one before (prev_hash) and its own link (hash):
 * - keyed entries (key_id set, every entry since migration 1763900003800): HMAC-SHA256 under the key
 *   named by key_id, of the key id, the previous hash and the entry's canonical JSON. Without the key,
 *   nobody can re-link the chain after editing, inserting or removing an entry.
 * - legacy entries (key_id NULL, written before that migration): plain SHA-256 of the previous hash and
 *   the canonical JSON. They verify as before, but only before the first keyed entry and up to the head of
 *   a signed checkpoint (the first one, written at start, pins them): a legacy entry after those is a forgery.
 *
 * A checkpoint pins the chain's head at a time: {head id, head hash, entry count, time, key id}, signed
 * with an HMAC. Exported outside the database, it reveals a deleted tail (its head is gone) and any rewrite
 * before its head (the hash or the count no longer match).
 */

/** Hash of the chain's first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** Object keys as JSON (`"key":`), kept: reports and entries use the same few dozen keys (bounded whatever the input). */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_KEPT = 10_000;

/**
 * JSON with object keys sorted at every depth, so jsonb round trips give the same hash. Written as plain loops with
 * the keys' JSON kept and no sort of keys already in order: the content hash of every imported session goes through
 * here (SES-1), and this halves its cost. The same text as the implementation every stored hash was computed with
 * (test/unit/shared/event-log/chain.test.ts checks it on random values).
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // As JSON.stringify: Number#toString, and null for NaN and the infinities.
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return JSON.stringify(value ?? null);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Default sort: UTF-16 code units, as `<` compares strings.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    let quoted = quotedKeys.get(k);
    if (quoted === undefined) {
      quoted = `${JSON.stringify(k)}:`;
      if (quotedKeys.size < QUOTED_KEYS_KEPT) quotedKeys.set(k, quoted);
    }
    out += (out.length > 1 ? ',' : '') + quoted + canonicalJson(v);
  }
  return `${out}}`;
}

/** What an entry's link covers: its canonical JSON (computed before the appends' lock is taken: it needs no previous hash). */
export function entryBody(e: NewLogEntry): string {
  return canonicalJson({
    eventKey: e.eventKey,
    streamType: e.streamType,
    streamId: e.streamId,
    type: e.type,
    ruleIds: e.ruleIds,
    fromState: e.fromState,
    toState: e.toState,
    actor: e.actor,
    reason: e.reason,
    data: e.data,
    occurredAt: e.occurredAt.toISOString(),
  });
}

/** The link of a legacy entry (before migration 1763900003800): SHA-256, no secret. */
export function legacyEntryHash(prevHash: string, e: NewLogEntry): string {
  return createHash('sha256').update(prevHash).update(entryBody(e)).digest('hex');
}

/** The link of a keyed entry: HMAC-SHA256 under the key `keyId`. */
export function keyedEntryHash(key: Buffer, keyId: string, prevHash: string, e: NewLogEntry): string {
  return keyedLink(key, keyId, prevHash, entryBody(e));
}

/** keyedEntryHash of an entry whose body (entryBody) is already computed. */
export function keyedLink(key: Buffer, keyId: string, prevHash: string, body: string): string {
  return createHmac('sha256', key).update(`${keyId}\n${prevHash}\n`).update(body).digest('hex');
}

export interface Checkpoint {
  version: 1;
  /** The log's last entry when the checkpoint was taken (null: the log was empty). */
  headId: string | null;
  headHash: string;
  /** Entries up to and including the head. */
  count: number;
  /** ISO instant. */
  at: string;
  keyId: string;
  /** HMAC-SHA256 (hex) of the fields above, under the key `keyId`. */
  signature: string;
}

function checkpointPayload(c: Omit<Checkpoint, 'signature'>): string {
  return canonicalJson({ version: c.version, headId: c.headId, headHash: c.headHash, count: c.count, at: c.at, keyId: c.keyId });
}

export function signCheckpoint(
  keyring: AuditKeyring,
  head: { headId: string | null; headHash: string; count: number; at: Date },
): Checkpoint {
  const unsigned = {
    version: 1 as const,
    headId: head.headId,
    headHash: head.headHash,
    count: head.count,
    at: head.at.toISOString(),
    keyId: keyring.currentId,
  };
  const signature = createHmac('sha256', keyring.keys.get(keyring.currentId)!).update(checkpointPayload(unsigned)).digest('hex');
  return { ...unsigned, signature };
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parses a checkpoint file's content; null when it is not one. */
export function parseCheckpoint(text: string): Checkpoint | null {
  let v: Partial<Checkpoint>;
  try {
    v = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    return null;
  }
  const ok =
    v?.version === 1 &&
    (v.headId === null || (typeof v.headId === 'string' && /^[1-9][0-9]*$/.test(v.headId))) &&
    typeof v.headHash === 'string' &&
    Number.isInteger(v.count) &&
    (v.count as number) >= 0 &&
    typeof v.at === 'string' &&
    !Number.isNaN(Date.parse(v.at)) &&
    typeof v.keyId === 'string' &&
    typeof v.signature === 'string';
  return ok ? (v as Checkpoint) : null;
}

export type BreakReason =
  /** The entry's prev_hash is not the previous entry's hash: an entry was removed or inserted before it. */
  | 'prev-hash'
  /** The entry's link does not match its content (edited, or re-linked without the key). */
  | 'hash'
  /** The entry names a key that is not in the keyring. */
  | 'unknown-key'
  /** A legacy (unkeyed) link after a keyed one, or past every checkpoint: written after the migration without the key. */
  | 'unkeyed-entry'
  /** A checkpoint file that is not a checkpoint. */
  | 'checkpoint-unreadable'
  /** A checkpoint whose signature does not match (edited or forged). */
  | 'checkpoint-signature'
  /** A checkpoint signed with a key that is not in the keyring. */
  | 'checkpoint-unknown-key'
  /** A checkpoint's head entry is no longer in the log (the tail was deleted). */
  | 'checkpoint-head-missing'
  /** A checkpoint's head entry is there with another hash (rewritten). */
  | 'checkpoint-head-hash'
  /** A checkpoint's head is there but at another position (entries added or removed before it). */
  | 'checkpoint-count';

export interface ChainBreak {
  reason: BreakReason;
  /** The entry where it was found (for a checkpoint: its head). */
  id?: string;
  /** The checkpoint file concerned. */
  checkpoint?: string;
  /** In French, for the person who reads the verification. */
  detail: string;
}

export interface CheckpointFile {
  file: string;
  /** Null: the file could not be read as a checkpoint. */
  checkpoint: Checkpoint | null;
}

/** Checks the checkpoint files' signatures; the first problem found, in file order. */
export function checkCheckpointSignatures(keyring: AuditKeyring, files: CheckpointFile[]): ChainBreak | null {
  for (const { file, checkpoint: c } of files) {
    if (!c)
      return { reason: 'checkpoint-unreadable', checkpoint: file, detail: `Le fichier ${file} n'est pas un point de contrôle lisible.` };
    const key = keyring.keys.get(c.keyId);
    if (!key)
      return {
        reason: 'checkpoint-unknown-key',
        checkpoint: file,
        id: c.headId ?? undefined,
        detail: `Le point de contrôle ${file} est signé par la clé inconnue « ${c.keyId} ».`,
      };
    const expected = createHmac('sha256', key).update(checkpointPayload(c)).digest('hex');
    if (!sameHex(expected, c.signature))
      return {
        reason: 'checkpoint-signature',
        checkpoint: file,
        id: c.headId ?? undefined,
        detail: `La signature du point de contrôle ${file} ne correspond pas à son contenu.`,
      };
  }
  return null;
}

/** Where a walk of the chain starts: from the genesis, or from a checkpoint's head (incremental checks). */
export interface ChainPosition {
  prevHash: string;
  count: number;
  /** Whether a keyed entry was seen before this position. */
  keyed: boolean;
}

export const CHAIN_START: ChainPosition = { prevHash: GENESIS_HASH, count: 0, keyed: false };

/**
 * Walks the chain entry by entry, in id order. Checks each link and its key, legacy links only where
 * they may be, and each checkpoint's head (hash and position) as the walk reaches it; `finish` reports the
 * checkpoints whose head it never reached. The checkpoints' signatures are checked beforehand
 * (checkCheckpointSignatures). `legacyUpTo`: the last id a legacy entry may have (the highest checkpoint
 * head; null: none may; 'any': the walk that writes the first checkpoint).
 */
export class ChainChecker {
  private position: ChainPosition;
  private readonly pins = new Map<string, CheckpointFile[]>();
  private readonly reached = new Set<string>();
  private readonly legacyUpTo: bigint | null | 'any';

  constructor(
    private readonly keyring: AuditKeyring,
    checkpoints: CheckpointFile[],
    options: { start?: ChainPosition; legacyUpTo?: 'any' } = {},
  ) {
    this.position = { ...(options.start ?? CHAIN_START) };
    let highest: bigint | null = null;
    for (const f of checkpoints) {
      const head = f.checkpoint?.headId;
      if (!head) continue;
      this.pins.set(head, [...(this.pins.get(head) ?? []), f]);
      if (highest === null || BigInt(head) > highest) highest = BigInt(head);
    }
    this.legacyUpTo = options.legacyUpTo ?? highest;
  }

  get checked(): number {
    return this.position.count;
  }

  get current(): ChainPosition {
    return { ...this.position };
  }

  feed(e: LogEntry): ChainBreak | null {
    const at = { id: e.id };
    if (e.keyId === null) {
      if (this.position.keyed)
        return {
          ...at,
          reason: 'unkeyed-entry',
          detail: `L'entrée ${e.id} n'est pas chaînée par HMAC alors qu'une entrée antérieure l'est : elle a été écrite sans la clé.`,
        };
      if (this.legacyUpTo !== 'any' && (this.legacyUpTo === null || BigInt(e.id) > this.legacyUpTo)) {
        return {
          ...at,
          reason: 'unkeyed-entry',
          detail: `L'entrée ${e.id} n'est pas chaînée par HMAC et n'est couverte par aucun point de contrôle : elle a été écrite sans la clé.`,
        };
      }
    }
    if (e.prevHash !== this.position.prevHash)
      return {
        ...at,
        reason: 'prev-hash',
        detail: `L'entrée ${e.id} ne suit pas l'entrée précédente : une entrée a été supprimée ou insérée avant elle.`,
      };
    let expected: string;
    if (e.keyId === null) {
      expected = legacyEntryHash(this.position.prevHash, e);
    } else {
      const key = this.keyring.keys.get(e.keyId);
      if (!key)
        return {
          ...at,
          reason: 'unknown-key',
          detail: `L'entrée ${e.id} est chaînée avec la clé « ${e.keyId} », absente du trousseau (AUDIT_LOG_KEYS).`,
        };
      expected = keyedEntryHash(key, e.keyId, this.position.prevHash, e);
    }
    if (!sameHex(expected, e.hash))
      return { ...at, reason: 'hash', detail: `Le contenu de l'entrée ${e.id} ne correspond pas à son empreinte : elle a été modifiée.` };
    this.position = { prevHash: e.hash, count: this.position.count + 1, keyed: this.position.keyed || e.keyId !== null };
    for (const f of this.pins.get(e.id) ?? []) {
      this.reached.add(e.id);
      const c = f.checkpoint!;
      if (c.headHash !== e.hash)
        return {
          ...at,
          checkpoint: f.file,
          reason: 'checkpoint-head-hash',
          detail: `L'entrée ${e.id}, tête du point de contrôle ${f.file}, n'a plus l'empreinte signée.`,
        };
      if (c.count !== this.position.count) {
        return {
          ...at,
          checkpoint: f.file,
          reason: 'checkpoint-count',
          detail: `L'entrée ${e.id} est la ${this.position.count}e du journal ; le point de contrôle ${f.file} la signe comme la ${c.count}e.`,
        };
      }
    }
    return null;
  }

  finish(): ChainBreak | null {
    const missing = [...this.pins.entries()].filter(([id]) => !this.reached.has(id)).sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const first = missing[0];
    if (!first) return null;
    const [id, files] = first;
    return {
      id,
      checkpoint: files[0]!.file,
      reason: 'checkpoint-head-missing',
      detail: `L'entrée ${id}, tête du point de contrôle ${files[0]!.file}, a disparu du journal : sa fin a été supprimée.`,
    };
  }
}
