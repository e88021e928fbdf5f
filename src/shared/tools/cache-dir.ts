import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';

export type Log = (message: string) => void;

/**
 * Cache for downloaded/built developer tools, kept outside the clone so that
 * `git clean` and fresh worktrees do not pay the download/build cost again.
 */
export function toolsCacheDir(): string {
  const explicit = process.env.PIX_TOOLS_CACHE;
  if (explicit) return path.resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg) return path.join(path.resolve(xdg), 'pix-agrement');
  return path.join(os.homedir(), '.cache', 'pix-agrement');
}

export interface FileLockOptions {
  log?: Log;
  /** What the lock protects, for the "waiting for…" message. */
  what?: string;
  /** Give up waiting after this long (default 30 min: a cold Go build can be slow). */
  timeoutMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

/**
 * Runs `fn` while holding an exclusive lock file, so that concurrent processes
 * (two vitest runs, a dev server and a test run…) do not download/build the same
 * tool twice. A lock whose owner process is gone is considered stale and taken over.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const { log, what = path.basename(lockPath), timeoutMs = 30 * 60_000 } = options;
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex'), since: new Date().toISOString() };
  const started = Date.now();
  let announced = false;

  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const raw = await fs.readFile(lockPath, 'utf8').catch(() => null);
    if (raw === null) continue; // released between open and read
    const owner = parseOwner(raw);
    if (!owner) {
      // Partially written by a live process, or garbage: only take over once it is old.
      const stat = await fs.stat(lockPath).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > 10_000) await removeIfUnchanged(lockPath, raw);
    } else if (owner.host === me.host && !isAlive(owner.pid)) {
      log?.(`Removing stale lock ${lockPath} (pid ${owner.pid} is gone).`);
      await removeIfUnchanged(lockPath, raw);
      continue;
    } else if (!announced) {
      announced = true;
      log?.(`Waiting for another process (pid ${owner.pid}) to finish ${what}…`);
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for lock ${lockPath}; remove it if no other process is running.`,
      );
    }
    await delay(500);
  }

  try {
    return await fn();
  } finally {
    const raw = await fs.readFile(lockPath, 'utf8').catch(() => null);
    if (raw !== null && parseOwner(raw)?.token === me.token) await fs.rm(lockPath, { force: true });
  }
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    return typeof value.pid === 'number' && typeof value.token === 'string' ? (value as LockOwner) : null;
  } catch {
    return null;
  }
}

// Re-read just before removing so we never delete a lock another waiter has just taken.
async function removeIfUnchanged(lockPath: string, expected: string): Promise<void> {
  const current = await fs.readFile(lockPath, 'utf8').catch(() => null);
  if (current === expected) await fs.rm(lockPath, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Finds an executable on PATH (no shell involved). */
export async function findOnPath(command: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable an environment variable names (TEMPORAL_CLI_PATH…): its path, null when unset, an error when it is not one. */
export async function explicitExecutable(variable: string): Promise<string | null> {
  const explicit = process.env[variable];
  if (!explicit) return null;
  if (await isExecutable(explicit)) return explicit;
  throw new Error(`${variable}=${explicit} is not an executable file.`);
}

/**
 * Asks the OS for a currently free TCP port on 127.0.0.1, and keeps the OS from handing it to anyone else's port-0 bind
 * for about a minute: a connection to it is closed from the listening side, which leaves it in TIME_WAIT (the Temporal
 * CLI reserves its internal services' ports the same way). Without this, a port we picked and released could be given
 * at once to a parallel Temporal server's internal service, which then dies with a stack trace instead of a clean
 * "address already in use". Servers bind it anyway (SO_REUSEADDR: Node, Go, PostgreSQL and the JVM set it). A window
 * remains for explicit binds of the same number (another caller's pick): callers that spawn servers retry on bind failures.
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      if (!port) return server.close(() => reject(new Error('Could not allocate a free port')));
      // The listening side closes first: its end of the connection is the one left in TIME_WAIT.
      server.once('connection', (socket) => socket.destroy());
      const client = net.connect({ port, host });
      client.once('error', (error) => server.close(() => reject(error)));
      client.once('close', (hadError) => hadError || server.close(() => resolve(port)));
    });
  });
}

/** A server's start failed because one of its ports was taken between our pick and its bind (its output said so). */
export class PortTaken extends Error {}

/**
 * Starts a server on ports picked free now (getFreePort): another process may bind one before the server does (a
 * parallel test's server), so a start refused for a port taken (`portTaken`: by default, a PortTaken thrown) is made
 * again, `start` picking its ports anew, up to `attempts` times.
 */
export async function startOnFreePorts<T>(
  start: () => Promise<T>,
  options: { portTaken?: (error: unknown) => boolean; onRetry?: (attempt: number) => void; attempts?: number },
): Promise<T> {
  const portTaken = options.portTaken ?? ((error: unknown) => error instanceof PortTaken);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= (options.attempts ?? 3) || !portTaken(error)) throw error;
      options.onRetry?.(attempt + 1);
    }
  }
}

/**
 * What a child process printed, for error messages and for telling its failures apart: its first `head` lines (where a
 * crash states its cause, e.g. a Go panic's message before its stack trace), its last `max` lines, and whether any line
 * ever matched one of the `watched` patterns (a cause printed between the two).
 */
export class OutputTail {
  private readonly first: string[] = [];
  private readonly last: string[] = [];
  private readonly matched = new Set<RegExp>();
  private omitted = 0;
  private partial = '';

  constructor(
    private readonly max = 40,
    private readonly watched: readonly RegExp[] = [],
    private readonly head = 10,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  add(line: string): void {
    if (!line.trim()) return;
    for (const pattern of this.watched) if (pattern.test(line)) this.matched.add(pattern);
    if (this.first.length < this.head) return void this.first.push(line);
    this.last.push(line);
    if (this.last.length > this.max) {
      this.last.shift();
      this.omitted += 1;
    }
  }

  /** Whether a line matched `pattern` (one of `watched`), the unfinished last line included. */
  saw(pattern: RegExp): boolean {
    if (!this.watched.includes(pattern)) throw new Error(`OutputTail does not watch ${pattern}`);
    return this.matched.has(pattern) || pattern.test(this.partial);
  }

  toString(): string {
    const gap = this.omitted ? [`… (${this.omitted} lines left out)`] : [];
    return [...this.first, ...gap, ...this.last, ...(this.partial.trim() ? [this.partial] : [])].join('\n');
  }
}

/** True when nothing listens on host:port (we can bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Whether a helper process we spawned earlier (recorded in a pid file) was left behind
 * by a parent that died without cleaning up: re-parented to init, or its parent is no
 * longer a Node process. Linux only (/proc); elsewhere returns false.
 */
export async function isOrphanProcess(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  // Fields after the parenthesised command name: state, ppid, …
  const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  if (!Number.isInteger(ppid) || ppid <= 1) return true;
  const parentCmdline = await fs.readFile(`/proc/${ppid}/cmdline`, 'utf8').catch(() => '');
  return !/node/i.test(parentCmdline);
}

/** Sends `signal` and waits (up to timeoutMs) for the process to disappear; SIGKILL after that. */
export async function terminateProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  for (let waited = 0; waited < timeoutMs && isAlive(pid); waited += 100) await delay(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    for (let waited = 0; waited < 5_000 && isAlive(pid); waited += 100) await delay(100);
  }
}
