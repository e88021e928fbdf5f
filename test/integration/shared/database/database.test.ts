import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase, dropDatabase, listDatabases, startDatabase, withDatabase } from '../../../../src/shared/database/postgres';

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL (startDatabase)', () => {
  let workDir: string;
  let savedDatabaseUrl: string | undefined;

  beforeAll(async () => {
    // This suite exercises the embedded mode even when the run itself uses DATABASE_URL.
    savedDatabaseUrl = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pix-db-test-'));
    await fs.chmod(workDir, 0o755); // the `postgres` system user must reach the data directory
  });

  afterAll(async () => {
    if (savedDatabaseUrl !== undefined) process.env.DATABASE_URL = savedDatabaseUrl;
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('initialises an empty data directory once, then reuses it with its data', async () => {
    const dataDir = path.join(workDir, 'pg');
    const logs: string[] = [];
    const log = (message: string) => logs.push(message);

    const first = await startDatabase({ dataDir, databaseName: 'persisted', log });
    try {
      expect(first.embedded).toBe(true);
      expect(first.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/persisted$/);
      await query(first.url, 'CREATE TABLE marker (value text)');
      await query(first.url, "INSERT INTO marker VALUES ('kept')");
    } finally {
      await first.stop();
    }
    expect(logs.some((line) => line.startsWith('Initialising'))).toBe(true);
    const pgVersion = await fs.stat(path.join(dataDir, 'PG_VERSION'));

    logs.length = 0;
    const second = await startDatabase({ dataDir, databaseName: 'persisted', log });
    try {
      expect(logs.some((line) => line.startsWith('Initialising'))).toBe(false);
      // initdb would have rewritten PG_VERSION and dropped the table.
      expect((await fs.stat(path.join(dataDir, 'PG_VERSION'))).mtimeMs).toBe(pgVersion.mtimeMs);
      await expect(query(second.url, 'SELECT value FROM marker')).resolves.toEqual([{ value: 'kept' }]);
      expect(new URL(second.url).port).not.toBe(''); // a free port was picked
    } finally {
      await second.stop();
    }
  });

  it('refuses a non-empty directory that is not a PostgreSQL cluster', async () => {
    const dataDir = path.join(workDir, 'not-pg');
    await fs.mkdir(dataDir);
    await fs.writeFile(path.join(dataDir, 'something.txt'), 'hello');
    await expect(startDatabase({ dataDir, databaseName: 'x', log: () => undefined })).rejects.toThrow(
      /neither empty nor a PostgreSQL data directory/,
    );
  });

  it('returns DATABASE_URL as is when set', async () => {
    process.env.DATABASE_URL = 'postgres://someone:secret@db.example:5432/app';
    try {
      const handle = await startDatabase({ dataDir: path.join(workDir, 'unused'), databaseName: 'ignored', log: () => undefined });
      expect(handle).toMatchObject({ url: 'postgres://someone:secret@db.example:5432/app', embedded: false });
      await handle.stop();
      await expect(fs.stat(path.join(workDir, 'unused'))).rejects.toThrow();
    } finally {
      delete process.env.DATABASE_URL;
    }
  });
});

describe('scratch databases', () => {
  it('global setup provides a migrated scratch database for the run', async () => {
    const url = inject('databaseUrl');
    expect(new URL(url).pathname).toMatch(/^\/pix_test_/);
    expect(process.env.TEST_DATABASE_URL ?? url).toBe(url);
    await expect(query(url, 'SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('creates and drops a database next to the run database, even with open sessions', async () => {
    const adminUrl = withDatabase(inject('ownerDatabaseUrl'), 'postgres');
    const name = `pix_scratch_${Date.now().toString(36)}`;
    const url = await createScratchDatabase(adminUrl, name);
    expect(await listDatabases(adminUrl, name)).toEqual([name]);
    const lingering = new Client({ connectionString: url });
    lingering.on('error', () => undefined); // terminated by dropDatabase
    await lingering.connect();
    await dropDatabase(adminUrl, name);
    expect(await listDatabases(adminUrl, name)).toEqual([]);
    await lingering.end().catch(() => undefined);
  });
});
