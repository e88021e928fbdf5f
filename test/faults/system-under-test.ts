import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getFreePort } from '../../src/shared/tools/cache-dir';
import { until } from '../support/waiting';

/** The system as `./dev start` runs it: built (dist/scripts/start.js), one Node process owning an embedded
 * PostgreSQL, a Temporal dev server and the mail capture, on free ports and a data directory of its own. */
export const ROOT = path.resolve(__dirname, '..', '..');

export interface Ports {
  api: number;
  pg: number;
  temporal: number;
  ui: number;
  mail: number;
}

export class SystemUnderTest {
  child: ChildProcess | null = null;
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'pix-faults-'));
  output = '';
  constructor(readonly ports: Ports) {
    // PostgreSQL started as root runs as the `postgres` user, which must be able to enter the data directory.
    chmodSync(this.dataDir, 0o755);
  }

  /** On free ports. */
  static async create(): Promise<SystemUnderTest> {
    return new SystemUnderTest({
      api: await getFreePort(),
      pg: await getFreePort(),
      temporal: await getFreePort(),
      ui: await getFreePort(),
      mail: await getFreePort(),
    });
  }

  get api() {
    return `http://127.0.0.1:${this.ports.api}`;
  }
  get databaseUrl() {
    return `postgres://postgres:postgres@127.0.0.1:${this.ports.pg}/pix_agrement`;
  }

  /**
   * Starts it and waits until `until` appears in its output (default: started and seeded). `group`: in a process
   * group of its own, as a terminal runs it, so that a signal can reach the whole group as Ctrl-C does.
   */
  async start(seed: boolean, options: { until?: string; group?: boolean } = {}): Promise<void> {
    const marker = options.until ?? 'Ctrl-C stops everything';
    const env = {
      ...process.env,
      DATA_DIR: this.dataDir,
      PORT: String(this.ports.api),
      PG_PORT: String(this.ports.pg),
      TEMPORAL_PORT: String(this.ports.temporal),
      TEMPORAL_UI_PORT: String(this.ports.ui),
      MAIL_CAPTURE_PORT: String(this.ports.mail),
      SEED_DEMO: seed ? 'true' : 'false',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      SMTP_URL: '',
    };
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'start.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.group ?? false,
    });
    this.child = child;
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    const started = await until(
      async () => ({ up: this.output.includes(marker), exited: child.exitCode !== null }),
      (v) => v.up || v.exited,
      180_000,
      200,
    ).catch(() => ({ up: false, exited: false }));
    if (!started.up)
      throw new Error(`the system ${started.exited ? 'exited while starting' : 'did not start'}:\n${this.output.slice(-3000)}`);
  }

  /** kill -9 of the Node process: its children (PostgreSQL, Temporal) are orphaned and reclaimed at the next start. */
  async killNode(): Promise<void> {
    const child = this.child!;
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  }

  pidOf(service: 'postgres' | 'temporal'): number {
    const file =
      service === 'postgres' ? path.join(this.dataDir, 'postgres', 'postmaster.pid') : path.join(this.dataDir, 'temporal-dev-server.pid');
    return Number(readFileSync(file, 'utf8').split('\n')[0]);
  }

  /** Ctrl-C in a terminal: the signal to every process of the group (Node, PostgreSQL, the Temporal server). */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.child!.pid!, signal);
  }

  /** Processes still running over this system's data directory (PostgreSQL, the Temporal server, their children). */
  survivors(): string[] {
    const found: string[] = [];
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue; // ended meanwhile
      }
      if (cmdline.includes(this.dataDir)) found.push(`${pid} ${cmdline.trim()}`);
    }
    return found;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
