import { describe, expect, it } from 'vitest';
import { DEADLINE_LABELS } from '../../../../src/dashboard/domain/deadline-calendar';
import { wrapLabel } from '../../../../web/src/format/lines';

describe('a chart label cut into lines (issue 14, the overview of deadlines by kind)', () => {
  it('cuts between words, each line at most the width, nothing lost', () => {
    expect(wrapLabel('Nouvelle session ou remboursement (incident)')).toEqual(['Nouvelle session ou', 'remboursement (incident)']);
    expect(wrapLabel('Relevé mensuel')).toEqual(['Relevé mensuel']);
    expect(wrapLabel('Anticonstitutionnellement long', 10)).toEqual(['Anticonstitutionnellement', 'long']);
  });

  it('keeps every deadline’s French name whole, at most 24 characters a line but for a single word', () => {
    for (const name of Object.values(DEADLINE_LABELS)) {
      const lines = wrapLabel(name);
      expect(lines.join(' ')).toBe(name);
      for (const line of lines) expect(line.length <= 24 || !line.includes(' '), line).toBe(true);
    }
  });
});
