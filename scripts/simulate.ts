import { readFileSync } from 'node:fs';
import { DomainError } from '../src/shared/domain/errors';
import { parseScenario } from '../src/agrement/simulation/scenario';
import { simulate } from '../src/agrement/simulation/simulate';
import { runMain } from './run-main';

/** `npm run simulate -- scenario.json`: prints the dated timeline as JSON on stdout; logs go to stderr. */
const log = (m: string) => process.stderr.write(`[simulate] ${m}\n`);

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run simulate -- <scenario.json>');
  const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
  const started = Date.now();
  const entries = await simulate(scenario, log);
  log(`${entries.length} entries in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
}

runMain(main, log, (err) =>
  err instanceof DomainError
    ? { message: `invalid scenario: ${err.message}`, code: 2 }
    : { message: err instanceof Error ? (err.stack ?? err.message) : String(err), code: 2 },
);
