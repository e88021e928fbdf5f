import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../faults/system-under-test';
import { until } from '../support/waiting';

/**
 * Issue 15 (`npm run test:topology`): one replica of the production topology, as a deployment runs it — the built
 * code (`node dist/scripts/start.js`, i.e. `npm start`) in an OS process of its own, with ROLE, PORT and the external
 * services from its environment. It can be killed with SIGKILL and started again with the same role, port and
 * environment.
 */
export type ReplicaRole = 'api' | 'worker';

/** What `scripts/start.ts` prints once the process serves (any role). */
const UP = 'Pix agrément engine is up';
/** The output kept for diagnostics (the end of it). */
const KEPT_OUTPUT = 200_000;

export class Replica {
  child: ChildProcess | null = null;
  output = '';
  /** How many times it started (1 after the first start). */
  starts = 0;

  constructor(
    readonly name: string,
    readonly role: ReplicaRole,
    readonly port: number | null,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    if (this.port === null) throw new Error(`${this.name} serves no API`);
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns it and waits until it says it is up (fails with its output's end if it exits first). */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'start.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...this.env,
        ROLE: this.role,
        ...(this.port === null ? {} : { PORT: String(this.port) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    const mark = `\n----- ${this.name}: start ${this.starts} -----\n`;
    this.output = (this.output + mark).slice(-KEPT_OUTPUT);
    const keep = (c: Buffer) => (this.output = (this.output + c.toString()).slice(-KEPT_OUTPUT));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const since = this.output.lastIndexOf(mark);
    const started = await until(
      async () => ({ up: this.output.lastIndexOf(UP) > since, exited: child.exitCode !== null || child.signalCode !== null }),
      (v) => v.up || v.exited,
      180_000,
      100,
    ).catch(() => ({ up: false, exited: false }));
    if (!started.up)
      throw new Error(
        `${this.name} ${started.exited ? 'exited while starting' : 'did not start within 3 minutes'}:\n${this.output.slice(-4000)}`,
      );
  }

  /** kill -9: no graceful stop, no last checkpoint, requests and activities in flight are lost. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** The ordered stop (SIGTERM), bounded: still running after a minute, it is killed. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}
