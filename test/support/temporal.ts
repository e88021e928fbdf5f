import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import { delay, getFreePort, OutputTail, PortTaken, startOnFreePorts } from '../../src/shared/tools/cache-dir';
import { ensureTestServerExecutable } from '../../src/shared/tools/test-server';

const log = (message: string): void => void process.stderr.write(`[temporal] ${message}\n`);

/** The executable provided by global-setup (or the environment, or installed on demand). */
export async function testServerPath(): Promise<string> {
  return inject('temporalTestServerPath') ?? process.env.TEMPORAL_TEST_SERVER_PATH ?? ensureTestServerExecutable(log);
}

/**
 * A time-skipping environment on the Java test server. The SDK waits only 5 s for the
 * server to accept connections; should a loaded machine need longer, we start the
 * server ourselves and connect to it with time skipping kept on.
 */
export async function createTestEnv(): Promise<TestWorkflowEnvironment> {
  quietSdkLogs();
  const executable = await testServerPath();
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: executable } } });
  } catch (error) {
    if (!/did not start within|Failed connecting/i.test(String((error as Error).message))) throw error;
    log(`the SDK gave up waiting for the test server (${(error as Error).message.split('\n')[0]}); starting it with a longer wait.`);
    return createTestEnvWithOwnServer(executable);
  }
}

/**
 * Starts the test server process itself (60 s start-up wait) and keeps time skipping on. A port picked free may be
 * taken by a parallel file's server before ours binds it: then it starts again on another (as the dev server does).
 */
export async function createTestEnvWithOwnServer(
  executable: string,
  startTimeoutMs = 60_000,
  pickPort: () => Promise<number> = () => getFreePort(),
): Promise<TestWorkflowEnvironment> {
  quietSdkLogs();
  return startOnFreePorts(async () => startOwnServer(executable, await pickPort(), startTimeoutMs), {
    onRetry: (attempt) => log(`the test server's port was taken before it could bind it; starting again (attempt ${attempt}).`),
  });
}

/** The Java server's words when its port is taken: "Failed to bind to address …" (caused by "Address already in use"), watched in all its output (a JVM's stack trace is long). */
const BIND_FAILURE = /failed to bind|address already in use/i;

async function startOwnServer(executable: string, port: number, startTimeoutMs: number): Promise<TestWorkflowEnvironment> {
  const address = `127.0.0.1:${port}`;
  const tail = new OutputTail(30, [BIND_FAILURE]);
  const child = spawn(executable, [String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => tail.add(`spawn error: ${error.message}`));
  const kill = async (): Promise<void> => {
    if (!child.pid) return; // spawn failed: 'exit' may never come
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  try {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('the test server exited');
      // It says so, and its JVM may live on without serving.
      if (tail.saw(BIND_FAILURE)) throw new Error('the test server could not bind its port');
      const connection = await Connection.connect({ address, connectTimeout: 1_000 }).catch(() => null);
      if (connection) {
        await connection.close();
        // Ours, unless it has exited meanwhile: a server already on the port answers while ours fails to bind it.
        if (child.exitCode !== null || child.signalCode !== null) throw new Error('the test server exited');
        break;
      }
      if (Date.now() > deadline) throw new Error(`not reachable on ${address} after ${startTimeoutMs / 1000} s`);
      await delay(200);
    }
    // `create` is private; it is what createTimeSkipping uses, minus spawning the server.
    const factory = TestWorkflowEnvironment as unknown as {
      create(options: {
        server: { type: 'existing' };
        supportsTimeSkipping: boolean;
        address: string;
        namespace: string;
      }): Promise<TestWorkflowEnvironment>;
    };
    const env = await factory.create({ server: { type: 'existing' }, supportsTimeSkipping: true, address, namespace: 'default' });
    const teardown = env.teardown.bind(env);
    return Object.assign(env, {
      teardown: async () => {
        await teardown();
        await kill();
      },
    });
  } catch (error) {
    await kill();
    const Failure = tail.saw(BIND_FAILURE) ? PortTaken : Error;
    throw new Failure(`Temporal test server ${executable} did not start: ${(error as Error).message}\n${tail}`);
  }
}

/** Worker state changes are logged at INFO: keep test output to warnings (TEMPORAL_LOG_LEVEL overrides). */
function quietSdkLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'WARN') });
  } catch {
    // Already installed (or instantiated) in this process: keep it.
  }
}
