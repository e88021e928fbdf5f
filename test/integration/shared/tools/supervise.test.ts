import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startDatabase } from '../../../../src/shared/database/postgres';
import { supervise } from '../../../../src/shared/tools/supervise';
import { until } from '../../../support/waiting';

/** Issue 11: `./dev start`'s embedded services come back on their own when their process is killed. */
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('supervised embedded services', () => {
  it('PostgreSQL killed with SIGKILL is restarted on the same port and data; a deliberate stop is not', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pix-supervised-'));
    const log: string[] = [];
    const start = (port?: number) => startDatabase({ dataDir, port, databaseName: 'supervised', log: (m) => log.push(m) });
    const first = await start();
    const port = Number(new URL(first.url).port);
    const supervisor = supervise(
      'PostgreSQL',
      first,
      () => start(port),
      (m) => log.push(m),
    );
    stops.push(() => supervisor.stop());
    expect(await answers(first.url)).toBe(true);

    const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    await first.exited;
    // The port answers as soon as the new postmaster listens, a little before the restart is complete and logged.
    expect(
      await until(
        () => Promise.resolve(log.some((m) => m.includes('PostgreSQL restarted'))),
        (restarted) => restarted,
        60_000,
        250,
      ),
    ).toBe(true);
    expect(await answers(first.url)).toBe(true);

    await supervisor.stop();
    expect(await answers(first.url)).toBe(false);
    expect(log.filter((m) => m.includes('PostgreSQL restarted'))).toHaveLength(1);
  });
});
