import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { transitionsMarkdown } from '../src/agrement/domain/transitions';

/** Writes docs/agrement-transitions.md from the transition table (test/unit/agrement/domain/transitions.test.ts keeps it in sync). */
writeFileSync(path.resolve(__dirname, '..', 'docs', 'agrement-transitions.md'), transitionsMarkdown());
