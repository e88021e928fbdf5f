/**
 * Issue 12: a bulk import refuses a line longer than `PARAMETERS.sessions.importMaxLineBytes` (413 naming
 * the line) while the upload arrives, before anything is stored. A CSV or NDJSON line is a physical line; in
 * a JSON array each element counts as a line, numbered from 1 as the reader numbers them (a minified array
 * is one physical line, legitimately). Pure: fed the bytes, chunk by chunk, however they are cut.
 */

/** A line over the limit: its number (1-based) and the limit, in bytes. */
export class LineTooLong extends Error {
  constructor(
    readonly line: number,
    readonly maxLineBytes: number,
    readonly unit: 'line' | 'element',
  ) {
    super(
      unit === 'line'
        ? `line ${line} is longer than ${maxLineBytes} bytes, the longest line an import accepts: nothing was imported`
        : `element ${line} of the JSON array is longer than ${maxLineBytes} bytes, the longest session an import accepts: nothing was imported`,
    );
    this.name = 'LineTooLong';
  }
}

const NL = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export interface LineGuard {
  /** Counts a chunk; throws LineTooLong as soon as a line exceeds the limit. */
  feed(chunk: Buffer): void;
}

/** Physical lines (CSV, NDJSON): bytes between two line feeds (a CR counts; the LF does not). */
export function physicalLineGuard(maxLineBytes: number): LineGuard {
  let line = 1;
  let bytes = 0;
  return {
    feed(chunk) {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NL, from);
        const end = nl === -1 ? chunk.length : nl;
        bytes += end - from;
        if (bytes > maxLineBytes) throw new LineTooLong(line, maxLineBytes, 'line');
        if (nl === -1) return;
        line++;
        bytes = 0;
        from = nl + 1;
      }
    },
  };
}

/**
 * The elements of a JSON array: a byte scanner (depth, strings, escapes) that counts each top-level
 * element's bytes. Structural characters are ASCII, so scanning bytes is exact in UTF-8. Malformed input
 * is not judged here (the reader refuses it with its line); only lengths are.
 */
export function jsonElementGuard(maxElementBytes: number): LineGuard {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = 0;
  let bytes = 0;
  const count = () => {
    if (++bytes > maxElementBytes) throw new LineTooLong(element, maxElementBytes, 'element');
  };
  const start = () => {
    if (depth === 1 && bytes === 0) element++;
  };
  return {
    feed(chunk) {
      for (const b of chunk) {
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          if (depth >= 1) count();
        } else if (b === QUOTE) {
          start();
          inString = true;
          if (depth >= 1) count();
        } else if (OPEN.has(b)) {
          start();
          depth++;
          if (depth >= 2) count();
        } else if (CLOSE.has(b)) {
          depth = Math.max(0, depth - 1);
          if (depth >= 1) count();
        } else if (b === COMMA && depth === 1) {
          bytes = 0;
        } else if (SPACE.has(b)) {
          if (depth >= 2) count();
        } else {
          start();
          if (depth >= 1) count();
        }
      }
    },
  };
}

export function lineGuardFor(format: 'csv' | 'json' | 'ndjson', maxLineBytes: number): LineGuard {
  return format === 'json' ? jsonElementGuard(maxLineBytes) : physicalLineGuard(maxLineBytes);
}
