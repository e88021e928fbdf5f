/**
 * What PostgreSQL cannot store in a text or jsonb value although JSON carries it: the NUL character (U+0000) and
 * unpaired UTF-16 surrogates. The API refuses them at its edge (src/http/input-hygiene.ts); a bulk import's lines
 * come through neither, and one such line failed its whole chunk in PostgreSQL: it is refused with its line instead.
 */
// eslint-disable-next-line no-control-regex -- matching NUL is this pattern's purpose.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path (e.g. candidates.3.lastName) of the first key or text PostgreSQL cannot store, or null. */
export function unstorableTextAt(value: unknown, field = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? field || '(body)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = unstorableTextAt(value[i], field ? `${field}.${i}` : String(i));
      if (at !== null) return at;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = field ? `${field}.${k}` : k;
      if (UNSTORABLE.test(k)) return path;
      const at = unstorableTextAt(v, path);
      if (at !== null) return at;
    }
  }
  return null;
}
