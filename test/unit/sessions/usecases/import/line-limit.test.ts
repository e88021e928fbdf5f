import { describe, expect, it } from 'vitest';
import { jsonElementGuard, LineTooLong, physicalLineGuard } from '../../../../../src/sessions/usecases/import/line-limit';

/** Feeds `text` in chunks of `size` bytes; returns the error thrown, if any. */
function feed(guard: { feed(b: Buffer): void }, text: string, size = 3): LineTooLong | null {
  const bytes = Buffer.from(text, 'utf8');
  try {
    for (let i = 0; i < bytes.length; i += size) guard.feed(bytes.subarray(i, i + size));
    return null;
  } catch (err) {
    if (err instanceof LineTooLong) return err;
    throw err;
  }
}

describe('issue 12: import line-length limit', () => {
  it('CSV/NDJSON: a line up to the limit passes (the CR of a CRLF counts), one byte more is refused naming its line, however the chunks are cut', () => {
    const ok = `${'a'.repeat(10)}\n${'b'.repeat(9)}\r\n${'c'.repeat(9)}`;
    for (const size of [1, 3, 64]) expect(feed(physicalLineGuard(10), ok, size), String(size)).toBeNull();
    for (const size of [1, 4, 1000]) {
      const err = feed(physicalLineGuard(10), `short\nshort\n${'x'.repeat(11)}\nshort`, size);
      expect(err, String(size)).toBeInstanceOf(LineTooLong);
      expect(err!.line).toBe(3);
      expect(err!.message).toMatch(/^line 3 is longer than 10 bytes/);
    }
  });

  it('counts bytes, not characters: multi-byte UTF-8 counts for its bytes', () => {
    expect(feed(physicalLineGuard(10), 'é'.repeat(5))).toBeNull();
    expect(feed(physicalLineGuard(10), 'é'.repeat(6))?.line).toBe(1);
  });

  it('JSON array: each element counts as a line, a minified array of short elements passes', () => {
    const element = JSON.stringify({ id: 's', note: 'x'.repeat(20) });
    const minified = `[${Array(50).fill(element).join(',')}]`;
    expect(feed(jsonElementGuard(element.length), minified, 7)).toBeNull();
    const long = JSON.stringify({ id: 's', note: 'y'.repeat(40), nested: [{ a: '"]},' }] });
    const err = feed(jsonElementGuard(element.length), `[\n ${element},\n ${element}, ${long}, ${element}]`, 5);
    expect(err?.line).toBe(3);
    expect(err?.unit).toBe('element');
    expect(err?.message).toMatch(/^element 3 of the JSON array is longer than/);
    // A string with escaped quotes and brackets stays one element.
    expect(feed(jsonElementGuard(200), `[${JSON.stringify({ a: 'x\\"]}[{,' })}, 1, "two"]`)).toBeNull();
  });
});
