import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  ChainChecker,
  type CheckpointFile,
  checkCheckpointSignatures,
  GENESIS_HASH,
  keyedEntryHash,
  legacyEntryHash,
  parseCheckpoint,
  signCheckpoint,
} from '../../../../src/shared/event-log/chain';
import { AUDIT_KEY_FILE, localAuditKeyring, parseAuditKeys } from '../../../../src/shared/event-log/keys';
import type { LogEntry } from '../../../../src/shared/event-log/event-log';

/** Issue 12: the pure parts of the tamper-evident log (keys, links, checkpoints, the chain walk). */
const key = (s: string) => Buffer.from(s.padEnd(32, '.')).toString('base64');
const RING = parseAuditKeys(`a:${key('key a')},b:${key('key b')}`, 'b');

describe('canonicalJson (issue 12, SES-1 content hashes)', () => {
  it('sorts keys at every depth by UTF-16 code units, drops undefined members, writes dates as ISO instants: the form every stored hash was computed on', () => {
    const value = {
      zeta: [3, { b: undefined, a: 'é"\n', Z: null }, undefined, new Date('2026-03-29T01:00:00Z')],
      alpha: { nested: { y: 1.5, x: true } },
      é: 0,
      A: '',
      u: undefined,
    };
    expect(canonicalJson(value)).toBe(
      '{"A":"","alpha":{"nested":{"x":true,"y":1.5}},"zeta":[3,{"Z":null,"a":"é\\"\\n"},null,"2026-03-29T01:00:00.000Z"],"é":0}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ only: undefined, then: 1 })).toBe('{"then":1}');
    expect(canonicalJson([1e21, -0, Number.NaN, Number.POSITIVE_INFINITY, 0.1, true, false, null])).toBe(
      '[1e+21,0,null,null,0.1,true,false,null]',
    );
  });

  it('gives what it gave before it was optimised, whatever the value (SES-1: the stored content hashes stay valid)', () => {
    // The implementation every stored hash was computed with (before issue 15's bulk import work).
    const before = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(before).join(',')}]`;
      if (value && typeof value === 'object' && !(value instanceof Date)) {
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${before(v)}`).join(',')}}`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return JSON.stringify(value ?? null);
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.date({ noInvalidDate: true }), (value, date) => {
        expect(canonicalJson(value)).toBe(before(value));
        expect(canonicalJson({ value, at: date, gone: undefined })).toBe(before({ value, at: date, gone: undefined }));
      }),
      { numRuns: 500 },
    );
  });
});

function chain(kinds: ('legacy' | 'a' | 'b')[]): LogEntry[] {
  let prev = GENESIS_HASH;
  return kinds.map((kind, i) => {
    const body = {
      id: String(i + 1),
      eventKey: `k${i}`,
      streamType: 'agrement',
      streamId: '00000000-0000-0000-0000-000000000001',
      type: 't',
      ruleIds: ['SUS-1'],
      fromState: null,
      toState: null,
      actor: 'x',
      reason: null,
      data: { i },
      occurredAt: new Date(Date.UTC(2026, 0, 1, i)),
      recordedAt: new Date(),
    };
    const keyId = kind === 'legacy' ? null : kind;
    const hash = keyId ? keyedEntryHash(RING.keys.get(keyId)!, keyId, prev, body) : legacyEntryHash(prev, body);
    const e = { ...body, prevHash: prev, hash, keyId };
    prev = hash;
    return e;
  });
}

function walk(entries: LogEntry[], checkpoints: CheckpointFile[] = [], options: { legacyUpTo?: 'any' } = {}) {
  const checker = new ChainChecker(RING, checkpoints, options);
  for (const e of entries) {
    const broken = checker.feed(e);
    if (broken) return broken;
  }
  return checker.finish();
}

const pin = (entries: LogEntry[], upTo: number, file = 'checkpoint-1.json'): CheckpointFile => ({
  file,
  checkpoint: signCheckpoint(RING, {
    headId: entries[upTo - 1]!.id,
    headHash: entries[upTo - 1]!.hash,
    count: upTo,
    at: new Date('2026-01-01T00:00:00Z'),
  }),
});

describe('audit keys (AUDIT_LOG_KEYS, AUDIT_LOG_KEY_ID)', () => {
  it('parses a keyring and its current key; one key needs no id', () => {
    expect(RING.currentId).toBe('b');
    expect([...RING.keys.keys()]).toEqual(['a', 'b']);
    expect(parseAuditKeys(`only:${key('k')}`, undefined).currentId).toBe('only');
  });

  it.each([
    ['', 'a', /AUDIT_LOG_KEYS is empty/],
    [`a:${Buffer.from('short').toString('base64')}`, 'a', /at least 32 random bytes/],
    [`a:not base64!`, 'a', /base64/],
    [`:${key('k')}`, null, /"id:base64secret"/],
    [`a:${key('1')},a:${key('2')}`, 'a', /given twice/],
    [`a:${key('1')},b:${key('2')}`, null, /AUDIT_LOG_KEY_ID must name the current key/],
    [`a:${key('1')}`, 'c', /AUDIT_LOG_KEY_ID "c" is not among/],
  ])('refuses %j (current %j) with a message naming the variable', (raw, current, message) => {
    expect(() => parseAuditKeys(raw, current)).toThrow(message);
  });

  it('./dev start: a key generated once in the data directory, mode 0600, and reused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pix-keys-'));
    const first = localAuditKeyring(dir);
    expect(statSync(path.join(dir, AUDIT_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = localAuditKeyring(dir);
    expect(again.currentId).toBe(first.currentId);
    expect(again.keys.get(again.currentId)!.equals(first.keys.get(first.currentId)!)).toBe(true);
    expect(first.keys.get(first.currentId)!.length).toBe(32);
  });
});

describe('links and checkpoints', () => {
  it('a keyed link depends on the key and its id; a legacy link has no secret', () => {
    const [e] = chain(['a']);
    expect(keyedEntryHash(RING.keys.get('b')!, 'a', GENESIS_HASH, e!)).not.toBe(e!.hash);
    expect(keyedEntryHash(RING.keys.get('a')!, 'b', GENESIS_HASH, e!)).not.toBe(e!.hash);
    expect(legacyEntryHash(GENESIS_HASH, e!)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a checkpoint is signed with the current key; any change to a field breaks its signature', () => {
    const entries = chain(['b', 'b']);
    const file = pin(entries, 2);
    expect(file.checkpoint).toMatchObject({ version: 1, headId: '2', count: 2, keyId: 'b' });
    expect(checkCheckpointSignatures(RING, [file])).toBeNull();
    for (const change of [{ count: 3 }, { headId: '1' }, { headHash: GENESIS_HASH }, { at: '2027-01-01T00:00:00.000Z' }, { keyId: 'a' }]) {
      expect(checkCheckpointSignatures(RING, [{ ...file, checkpoint: { ...file.checkpoint!, ...change } }])?.reason).toBe(
        'checkpoint-signature',
      );
    }
    expect(checkCheckpointSignatures(RING, [{ ...file, checkpoint: { ...file.checkpoint!, keyId: 'gone' } }])?.reason).toBe(
      'checkpoint-unknown-key',
    );
    expect(parseCheckpoint(JSON.stringify(file.checkpoint))).toEqual(file.checkpoint);
    expect(parseCheckpoint('{"version":1}')).toBeNull();
    expect(parseCheckpoint('nope')).toBeNull();
  });
});

describe('the chain walk', () => {
  it('accepts keyed entries under several keys (rotation)', () => {
    expect(walk(chain(['a', 'a', 'b']))).toBeNull();
  });

  it('finds an edited entry, a removed one, an unknown key', () => {
    const entries = chain(['b', 'b', 'b']);
    expect(walk([entries[0]!, { ...entries[1]!, reason: 'edited' }, entries[2]!])).toMatchObject({ id: '2', reason: 'hash' });
    expect(walk([entries[0]!, entries[2]!])).toMatchObject({ id: '3', reason: 'prev-hash' });
    const noA = new ChainChecker(parseAuditKeys(`b:${key('key b')}`, 'b'), []);
    expect(noA.feed(chain(['a'])[0]!)).toMatchObject({ id: '1', reason: 'unknown-key' });
  });

  it('legacy links: only before every keyed one and up to a checkpoint head', () => {
    const entries = chain(['legacy', 'legacy', 'b']);
    expect(walk(entries, [pin(entries, 2)])).toBeNull();
    expect(walk(entries)).toMatchObject({ id: '1', reason: 'unkeyed-entry' });
    expect(walk(entries, [], { legacyUpTo: 'any' })).toBeNull();
    const after = chain(['b', 'legacy']);
    expect(walk(after, [pin(after, 2)])).toMatchObject({ id: '2', reason: 'unkeyed-entry' });
  });

  it('checks each checkpoint head: missing (deleted tail), another hash, another position', () => {
    const entries = chain(['b', 'b', 'b', 'b']);
    const file = pin(entries, 3);
    expect(walk(entries, [file])).toBeNull();
    expect(walk(entries.slice(0, 2), [file])).toMatchObject({
      id: '3',
      checkpoint: 'checkpoint-1.json',
      reason: 'checkpoint-head-missing',
    });
    const other = chain(['a', 'a', 'a']);
    const wrongHash = { file: 'x.json', checkpoint: { ...file.checkpoint!, headHash: other[2]!.hash } };
    expect(walk(entries, [wrongHash])).toMatchObject({ id: '3', reason: 'checkpoint-head-hash' });
    const wrongCount = { file: 'y.json', checkpoint: { ...file.checkpoint!, count: 2 } };
    expect(walk(entries, [wrongCount])).toMatchObject({ id: '3', reason: 'checkpoint-count' });
  });
});
