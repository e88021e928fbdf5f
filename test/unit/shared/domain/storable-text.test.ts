import { describe, expect, it } from 'vitest';
import { unstorableTextAt } from '../../../../src/shared/domain/storable-text';

describe('unstorableTextAt (what PostgreSQL cannot store in text or jsonb)', () => {
  it('names the first NUL or unpaired surrogate, in a text or a key, by its path; paired surrogates and the rest pass', () => {
    expect(unstorableTextAt({ a: 'ok', b: [{ c: 'x\u0000' }] })).toBe('b.0.c');
    expect(unstorableTextAt({ room: 'Salle \ud800' })).toBe('room');
    expect(unstorableTextAt({ room: 'Salle \udc00 B' })).toBe('room');
    expect(unstorableTextAt({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(unstorableTextAt('\u0000')).toBe('(body)');
    expect(unstorableTextAt({ a: 'emoji 😀', b: 'é\u0001', n: 1, z: null, t: true })).toBeNull();
  });
});
