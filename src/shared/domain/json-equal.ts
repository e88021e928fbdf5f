/**
 * Whether two JSON values say the same thing, whatever the order of their objects' keys: what a report stored as jsonb
 * (PostgreSQL orders keys its own way) and the same report sent again have in common (SES-1 'unchanged'). A member whose
 * value is undefined counts as absent, as JSON.stringify drops it; numbers compare by value (1.0 and 1 are one number).
 * The same answer as comparing their canonical JSON, without writing either (test/unit/shared/domain/json-equal.test.ts).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return sameScalar(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Date || b instanceof Date) return sameScalar(a, b);
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let members = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k) || x[k] === undefined) continue;
    members++;
    if (!Object.hasOwn(y, k) || !sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (Object.hasOwn(y, k) && y[k] !== undefined) members--;
  return members === 0;
}

/** Scalars (and dates, as their ISO instants) as JSON writes them: NaN and the infinities are null, undefined too. */
function sameScalar(a: unknown, b: unknown): boolean {
  return scalarJson(a) === scalarJson(b);
}

function scalarJson(v: unknown): string | undefined {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'object') return undefined; // an object against a scalar: never equal
  return JSON.stringify(v);
}
