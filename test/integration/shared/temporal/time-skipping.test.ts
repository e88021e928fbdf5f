import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, createTestEnvWithOwnServer, testServerPath } from '../../../support/temporal';
import { getFreePort } from '../../../../src/shared/tools/cache-dir';

const DAY_MS = 24 * 60 * 60 * 1000;
const WORKFLOWS_PATH = path.resolve(__dirname, '../../../support/fixtures-workflows/sleep.ts');

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger() });
});

async function sleepThirtyDays(env: TestWorkflowEnvironment) {
  const taskQueue = `time-skipping-${randomUUID()}`;
  // A no-op activity only keeps the worker from warning that it polls no activity queue.
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: { noop: async () => undefined },
  });
  const serverTimeBefore = await env.currentTimeMs();
  const wallBefore = Date.now();
  const workflowElapsed = await worker.runUntil(
    env.client.workflow.execute('sleepFor', { taskQueue, workflowId: randomUUID(), args: ['30 days'] }),
  );
  return {
    workflowElapsed: workflowElapsed as number,
    serverAdvance: (await env.currentTimeMs()) - serverTimeBefore,
    wallElapsed: Date.now() - wallBefore,
  };
}

describe('Temporal time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('is provided as an executable wrapper by global setup', async () => {
    const executable = await testServerPath();
    const script = await fs.readFile(executable, 'utf8');
    expect(script).toMatch(/^#!\/bin\/sh/);
    expect(script).toContain('exec "$java"'); // exec: killing the wrapper's PID kills the JVM
    expect(env.supportsTimeSkipping).toBe(true);
  });

  it('runs a workflow sleeping 30 days in a few seconds', async () => {
    const { workflowElapsed, serverAdvance, wallElapsed } = await sleepThirtyDays(env);
    expect(workflowElapsed).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(serverAdvance).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(wallElapsed).toBeLessThan(20_000);
  });
});

describe('Temporal test server started by us (fallback when the SDK start-up wait is too short)', () => {
  it('keeps time skipping on and kills the server at teardown', async () => {
    const env = await createTestEnvWithOwnServer(await testServerPath());
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const { serverAdvance } = await sleepThirtyDays(env);
      expect(serverAdvance).toBeGreaterThanOrEqual(30 * DAY_MS);
    } finally {
      await env.teardown();
    }
    const [, port] = env.address.split(':');
    await expect(isListening(Number(port))).resolves.toBe(false);
  });

  it('starts again on another port when the one it picked is taken before it binds it (a parallel server)', async () => {
    const net = await import('node:net');
    // It accepts and drops connections: the client's attempts on its port must not keep it open at close.
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    let picks = 0;
    try {
      const env = await createTestEnvWithOwnServer(await testServerPath(), 60_000, async () => (picks++ === 0 ? taken : getFreePort()));
      try {
        expect(picks).toBe(2);
        expect(env.address).not.toBe(`127.0.0.1:${taken}`);
        const { serverAdvance } = await sleepThirtyDays(env);
        expect(serverAdvance).toBeGreaterThanOrEqual(30 * DAY_MS);
      } finally {
        await env.teardown();
      }
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

function isListening(port: number): Promise<boolean> {
  return import('node:net').then(
    (net) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ port, host: '127.0.0.1' });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
  );
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop } as never;
}
