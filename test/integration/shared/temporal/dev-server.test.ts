import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer } from '../../../../src/shared/temporal/dev-server';
import { getFreePort } from '../../../../src/shared/tools/cache-dir';
import { resolveTemporalCli } from '../../../../src/shared/tools/temporal-cli';

describe('Temporal CLI dev server (startTemporalDevServer)', () => {
  let dataDir: string;
  let savedAddress: string | undefined;

  beforeAll(async () => {
    savedAddress = process.env.TEMPORAL_ADDRESS;
    delete process.env.TEMPORAL_ADDRESS;
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pix-temporal-test-'));
  });

  afterAll(async () => {
    if (savedAddress !== undefined) process.env.TEMPORAL_ADDRESS = savedAddress;
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('resolves the CLI without building it again', async () => {
    const cli = await resolveTemporalCli(() => undefined);
    expect(cli).toBeTruthy();
  });

  it('starts on free ports with a persistent SQLite file, serves clients and the UI, and stops', async () => {
    const logs: string[] = [];
    const server = await startTemporalDevServer({ dataDir, log: (message) => logs.push(message) });
    let workflowId: string;
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const connection = await Connection.connect({ address: server.address });
      try {
        const namespace = await connection.workflowService.describeNamespace({ namespace: 'default' });
        expect(namespace.namespaceInfo?.name).toBe('default');
        // A workflow started now must survive a restart (SQLite file in dataDir).
        const client = new Client({ connection });
        workflowId = `persisted-${Date.now()}`;
        await client.workflow.start('nobodyRunsThis', { taskQueue: 'nobody', workflowId });
      } finally {
        await connection.close();
      }
      const ui = await fetch(server.uiUrl!);
      expect(ui.status).toBe(200);
    } finally {
      await server.stop();
    }
    await expect(fs.stat(path.join(dataDir, 'temporal.sqlite'))).resolves.toBeTruthy();
    await expect(Connection.connect({ address: server.address, connectTimeout: 1_000 })).rejects.toThrow();

    const again = await startTemporalDevServer({ dataDir, log: () => undefined });
    try {
      const connection = await Connection.connect({ address: again.address });
      try {
        const description = await new Client({ connection }).workflow.getHandle(workflowId!).describe();
        expect(description.status.name).toBe('RUNNING');
      } finally {
        await connection.close();
      }
    } finally {
      await again.stop();
    }
  });

  it('starts again on other ports when one it picked is taken before the server binds it (a parallel server)', async () => {
    // The race CI met: the UI port picked free was bound by another process before the server started.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    const picks = [await getFreePort(), taken];
    const logs: string[] = [];
    try {
      const server = await startTemporalDevServer({
        dataDir,
        pickPort: async () => picks.shift() ?? getFreePort(),
        log: (message) => logs.push(message),
      });
      try {
        expect(server.uiUrl).not.toBe(`http://127.0.0.1:${taken}`);
        expect(logs.some((m) => /a port was taken before it could bind it; starting again \(attempt 2\)/.test(m))).toBe(true);
        const connection = await Connection.connect({ address: server.address });
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        await connection.close();
      } finally {
        await server.stop();
      }
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('returns TEMPORAL_ADDRESS as is when set', async () => {
    process.env.TEMPORAL_ADDRESS = 'temporal.example:7233';
    try {
      const server = await startTemporalDevServer({ dataDir, log: () => undefined });
      expect(server).toMatchObject({ address: 'temporal.example:7233', uiUrl: null });
      await server.stop();
    } finally {
      delete process.env.TEMPORAL_ADDRESS;
    }
  });
});
