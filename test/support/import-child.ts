/**
 * A process that runs one bulk import and dies where a test says (test/integration/sessions/usecases/import/import-resume.test.ts):
 * `tsx test/support/import-child.ts` with DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE, IMPORT_ID, RUN_TOKEN,
 * CHUNK (sessions per chunk) and HANG_IN_CHUNK (k: inside chunk k's transaction, rows and progress written
 * but not committed, it prints `hanging in chunk k` and waits for its SIGKILL).
 */
import { Client, Connection } from '@temporalio/client';
import { dataSourceFor } from '../../src/shared/database/data-source';
import { runImport } from '../../src/sessions/usecases/import/run-import';

async function main() {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const db = await dataSourceFor(env('DATABASE_URL'));
  const temporal = new Client({ connection: await Connection.connect({ address: env('TEMPORAL_ADDRESS') }) });
  const hangIn = Number(env('HANG_IN_CHUNK'));
  const result = await runImport(
    { db, temporal, taskQueue: env('TASK_QUEUE'), now: () => new Date() },
    { id: env('IMPORT_ID'), runToken: env('RUN_TOKEN') },
    {
      chunkSize: Number(env('CHUNK')),
      beforeCommit: async (chunk) => {
        if (chunk !== hangIn) return;
        process.stdout.write(`hanging in chunk ${chunk}\n`);
        await new Promise(() => undefined);
      },
    },
  );
  process.stdout.write(`ended: ${result}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
