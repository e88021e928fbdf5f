import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../../../src/shared/domain/json-equal';
import { canonicalJson } from '../../../../src/shared/event-log/chain';

/** Seeded: a failure names its counterexample and reproduces. */
const SEED = 20261204;

/** The same value with every object's keys in another order (reversed), as PostgreSQL's jsonb gives a report back. */
const reordered = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(reordered);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reordered(x)]),
    );
  return v;
};

describe('sameJson (SES-1: a report sent again is the report stored, whatever the order of its fields)', () => {
  it('SES-1 ignores the order of keys, drops undefined members, compares numbers by value and dates as instants', () => {
    expect(sameJson({ a: 1, b: [1, { c: 'x', d: null }] }, { b: [1, { d: null, c: 'x' }], a: 1.0 })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([1], [1, 2])).toBe(false);
    expect(sameJson({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameJson({ a: [] }, { a: {} })).toBe(false);
    expect(sameJson({}, [])).toBe(false);
    expect(sameJson({ a: {} }, { a: null })).toBe(false);
    expect(sameJson(new Date('2026-03-29T01:00:00Z'), '2026-03-29T01:00:00.000Z')).toBe(true);
    expect(sameJson([undefined, Number.NaN], [null, null])).toBe(true);
    expect(sameJson(-0, 0)).toBe(true);
  });

  it('SES-1 answers as comparing canonical JSON does, on random values, reordered or changed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(sameJson(a, reordered(a))).toBe(true);
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(sameJson({ x: a, y: [b] }, reordered({ y: [b], x: a }))).toBe(true);
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('SES-1 tells apart values that differ in one place only', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.jsonValue(), fc.nat(), (value, other, pick) => {
        const keys = Object.keys(value);
        const key = keys[pick % keys.length]!;
        const changed = { ...value, [key]: other };
        expect(sameJson(value, reordered(changed))).toBe(canonicalJson(value) === canonicalJson(changed));
      }),
      { numRuns: 1000, seed: SEED },
    );
  });
});
