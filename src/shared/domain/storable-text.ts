/**
 * What PostgreSQL cannot store in a text or jsonb value although JSON carries it: the NUL character (U+0000) and
 * unpaired UTF-16 surrogates. The API refuses them at its edge (src/http/input-hygiene.ts); a bulk import's lines
 * come through neither, and one such line failed its whole chunk in PostgreSQL: it is refused with its line instead.
 */
/** A UTF-16 surrogate without its other half (what no UTF-8 text, and so no PostgreSQL text, can hold). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`);

/** A field's path in a body, as errors name it: `candidates.3.lastName` (the key alone at the top). */
export const fieldPath = (field: string, key: string | number) => (field ? `${field}.${key}` : String(key));

/** The path (e.g. candidates.3.lastName) of the first key or text PostgreSQL cannot store, or null. */
export function unstorableTextAt(value: unknown, field = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? field || '(body)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = unstorableTextAt(value[i], fieldPath(field, i));
      if (at !== null) return at;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = fieldPath(field, k);
      if (UNSTORABLE.test(k)) return path;
      const at = unstorableTextAt(v, path);
      if (at !== null) return at;
    }
  }
  return null;
}
