import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidCommand } from '../shared/domain/errors';
import { fieldPath, LONE_SURROGATE } from '../shared/domain/storable-text';

/**
 * What every text the API accepts must be, whatever the endpoint, so that nothing accepted can fail later
 * in PostgreSQL (a NUL byte), in an e-mail (a blank name) or in a rule (a null in a list): validated at the
 * edge, before any write or workflow start. Control characters other than tab and line breaks, unpaired
 * surrogates and texts blank once trimmed (spaces, no-break spaces, BOM, zero-width characters) are refused
 * with 400 naming the field; texts are trimmed and normalised (Unicode NFC); lists may not hold nulls.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
const MAX_DEPTH = 32;

function cleanText(value: string, field: string, blank: 'refuse' | 'absent'): string | undefined {
  if (LONE_SURROGATE.test(value)) throw new InvalidCommand(field, `${field || 'the body'} is not valid Unicode (unpaired surrogate)`);
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new InvalidCommand(field, `${field || 'the body'} contains a control character (U+${code})`);
  }
  const text = value.normalize('NFC').trim();
  if (text.replace(INVISIBLE, '').trim() === '') {
    if (blank === 'absent') return undefined;
    throw new InvalidCommand(field, `${field || 'the body'} must not be blank`);
  }
  return text;
}

/** The JSON a client sent, its texts cleaned; throws InvalidCommand naming the first offending field. */
export function cleanInput(value: unknown, field = '', depth = 0, nullsAllowed = false): unknown {
  if (depth > MAX_DEPTH) throw new InvalidCommand(field, `${field || 'the body'} is nested too deeply (at most ${MAX_DEPTH} levels)`);
  if (typeof value === 'string') return cleanText(value, field, 'refuse');
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if ((item === null && !nullsAllowed) || item === undefined)
        throw new InvalidCommand(fieldPath(field, i), `${fieldPath(field, i)} must not be null`);
      return cleanInput(item, fieldPath(field, i), depth + 1);
    });
  }
  if (value !== null && typeof value === 'object') {
    // A json-rules-engine condition ({ fact, operator, value }) compares facts with its value list, where null
    // stands for a fact that is absent (e.g. SES-9: "no blocker"): the one list that may hold null (AGR-6 drafts).
    const condition = 'fact' in value && 'operator' in value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      cleanText(key, fieldPath(field, key), 'refuse');
      // Defined as own data properties: a key "__proto__" stays a key (refused by the schemas), never a prototype.
      const clean = cleanInput(item, fieldPath(field, key), depth + 1, condition && key === 'value');
      Object.defineProperty(out, key, { value: clean, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * Global pipe: bodies, query parameters and path parameters of every route. A named query parameter is a
 * single text (given twice, or as `a[b]=`, it is refused); blank, it counts as absent.
 */
@Injectable()
export class InputHygienePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body') return value === undefined ? value : cleanInput(value);
    if (metadata.type === 'param' || (metadata.type === 'query' && metadata.data)) {
      const name = metadata.data ?? '';
      if (value === undefined) return value;
      if (typeof value !== 'string') throw new InvalidCommand(name, `${name} must be given once, as a single value`);
      return cleanText(value, name, metadata.type === 'query' ? 'absent' : 'refuse');
    }
    if (metadata.type === 'query' && value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const clean = typeof item === 'string' ? cleanText(item, key, 'absent') : cleanInput(item, key, 1);
        if (clean !== undefined) Object.defineProperty(out, key, { value: clean, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }
}
