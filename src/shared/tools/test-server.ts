import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  delay,
  findOnPath,
  getFreePort,
  explicitExecutable,
  isExecutable,
  Log,
  OutputTail,
  toolsCacheDir,
  withFileLock,
} from './cache-dir';

/**
 * The Temporal time-skipping test server is a Java program (part of the Java SDK).
 * The SDK would download a native build from GitHub, which is unreachable here, so we
 * assemble its classpath from Maven Central (tools/temporal-test-server/pom.xml) and
 * put a small shell wrapper in front of it that behaves like the native executable:
 * `temporal-test-server <port> [args…]`.
 */
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';
const VERSION_PROPERTY = 'temporal-test-server.version';
const COMPLETE_MARKER = '.complete';

export interface TestServerLayout {
  version: string;
  pom: string;
  dir: string;
  lib: string;
  marker: string;
  cdsArchive: string;
  wrapper: string;
  /** Hash of the pom: a changed pom (e.g. an added jar) invalidates the cached classpath. */
  pomHash: string;
}

/** Finds the committed pom by walking up from this file (works from src/ and dist/). */
export function testServerPomPath(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'tools', 'temporal-test-server', 'pom.xml');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`tools/temporal-test-server/pom.xml not found above ${__dirname}`);
    dir = parent;
  }
}

export async function testServerLayout(): Promise<TestServerLayout> {
  const pom = testServerPomPath();
  const xml = await fs.readFile(pom, 'utf8');
  const match = new RegExp(`<${VERSION_PROPERTY}>\\s*([^<\\s]+)\\s*</${VERSION_PROPERTY}>`).exec(xml);
  if (!match) throw new Error(`${pom} does not define <${VERSION_PROPERTY}>`);
  const version = match[1];
  const dir = path.join(toolsCacheDir(), 'temporal-test-server', version);
  return {
    version,
    pom,
    dir,
    lib: path.join(dir, 'lib'),
    marker: path.join(dir, 'lib', COMPLETE_MARKER),
    cdsArchive: path.join(dir, 'classes.jsa'),
    wrapper: path.join(dir, 'temporal-test-server'),
    pomHash: createHash('sha256').update(xml).digest('hex'),
  };
}

/**
 * Returns the path of an executable that starts the time-skipping test server:
 * `$TEMPORAL_TEST_SERVER_PATH` if set, else the cached wrapper (downloading the
 * jars with Maven the first time).
 */
export async function ensureTestServerExecutable(log: Log): Promise<string> {
  const explicit = await explicitExecutable('TEMPORAL_TEST_SERVER_PATH');
  if (explicit) return explicit;

  const layout = await testServerLayout();
  const java = await findJava();
  if (!java) throw new Error('A Java runtime (java on PATH or JAVA_HOME) is required for the Temporal time-skipping test server.');

  // Fast path without taking the lock.
  if ((await isComplete(layout)) && (await readFileOrNull(layout.wrapper)) === wrapperScript(layout)) return layout.wrapper;

  return withFileLock(
    path.join(layout.dir, '.lock'),
    async () => {
      if (!(await isComplete(layout))) {
        await downloadClasspath(layout, log);
        await createCdsArchive(java, layout, log);
      }
      await writeWrapper(layout);
      return layout.wrapper;
    },
    { log, what: `installing the Temporal test server ${layout.version}` },
  );
}

function markerHeader(layout: TestServerLayout): string {
  return `temporal-test-server ${layout.version} pom-sha256 ${layout.pomHash}`;
}

async function isComplete(layout: TestServerLayout): Promise<boolean> {
  const marker = await readFileOrNull(layout.marker);
  return marker !== null && marker.split('\n')[0] === markerHeader(layout);
}

async function downloadClasspath(layout: TestServerLayout, log: Log): Promise<void> {
  const mvn = await findOnPath('mvn');
  if (!mvn) throw new Error(`Maven (mvn) is required once to fetch the Temporal test server ${layout.version} jars into ${layout.lib}.`);

  log(`Fetching the Temporal test server ${layout.version} jars with Maven (first time only, ~30 s)…`);
  const started = Date.now();
  // A missing/outdated marker means an interrupted attempt or a changed pom: start from scratch.
  await fs.rm(layout.lib, { recursive: true, force: true });
  await fs.rm(layout.cdsArchive, { force: true });
  await fs.mkdir(layout.dir, { recursive: true });
  const tail = new OutputTail(40);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      mvn,
      [
        '-q',
        '-B',
        '-Dstyle.color=never',
        '-f',
        layout.pom,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${layout.lib}`,
        '-DincludeScope=runtime',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: layout.dir },
    );
    child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`mvn dependency:copy-dependencies failed (${signal ?? `exit code ${code}`}):\n${tail.toString()}`));
    });
  });
  const jars = (await fs.readdir(layout.lib)).filter((name) => name.endsWith('.jar'));
  if (!jars.some((name) => name.startsWith('temporal-test-server-'))) {
    throw new Error(`Maven finished but no temporal-test-server jar is in ${layout.lib}`);
  }
  await fs.writeFile(layout.marker, `${markerHeader(layout)}\n${jars.sort().join('\n')}\n`);
  log(`Temporal test server ${layout.version}: ${jars.length} jars in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/**
 * Records an AppCDS archive of the classes loaded at startup. Cuts JVM start from
 * ~1 s to ~0.35 s idle (3 s → 0.85 s on a loaded 2-core box), which keeps us well
 * inside the SDK's fixed 5 s start-up wait. Best effort: the wrapper works without it.
 */
async function createCdsArchive(java: string, layout: TestServerLayout, log: Log): Promise<void> {
  await fs.rm(layout.cdsArchive, { force: true });
  const port = await getFreePort();
  const child = spawn(
    java,
    [
      `-XX:ArchiveClassesAtExit=${layout.cdsArchive}`,
      '-Xlog:cds=off',
      '-Xlog:cds+dynamic=off',
      ...JVM_FLAGS,
      '-cp',
      path.join(layout.lib, '*'),
      TEST_SERVER_MAIN_CLASS,
      String(port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const tail = new OutputTail(20);
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 60_000;
    while (!(await canConnect(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`test server did not start:\n${tail.toString()}`);
      await delay(100);
    }
    await delay(300);
    child.kill('SIGTERM'); // the archive is written during the orderly JVM exit
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    if (!existsSync(layout.cdsArchive)) throw new Error('no archive written');
  } catch (error) {
    child.kill('SIGKILL');
    await fs.rm(layout.cdsArchive, { force: true });
    log(`(Skipping the class-data-sharing archive for the test server: ${(error as Error).message})`);
  }
}

// Start-up matters more than peak throughput for a test server; only errors are logged.
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dorg.slf4j.simpleLogger.defaultLogLevel=error'];

function wrapperScript(layout: TestServerLayout): string {
  const q = shellQuote;
  const common = `${JVM_FLAGS.join(' ')} -cp ${q(path.join(layout.lib, '*'))} ${TEST_SERVER_MAIN_CLASS} "$@"`;
  // `exec` replaces the shell, so the PID the SDK kills is the JVM itself.
  return [
    '#!/bin/sh',
    `# Temporal time-skipping test server ${layout.version}, generated by src/shared/tools/test-server.ts.`,
    `# Usage: temporal-test-server <port> [args...]`,
    'java="${JAVA_HOME:+$JAVA_HOME/bin/}java"',
    `if [ -f ${q(layout.cdsArchive)} ]; then`,
    `  exec "$java" -XX:SharedArchiveFile=${q(layout.cdsArchive)} -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off ${common}`,
    'fi',
    `exec "$java" ${common}`,
    '',
  ].join('\n');
}

async function writeWrapper(layout: TestServerLayout): Promise<void> {
  const script = wrapperScript(layout);
  if ((await readFileOrNull(layout.wrapper)) === script && (await isExecutable(layout.wrapper))) return;
  const tmp = `${layout.wrapper}.${process.pid}.tmp`;
  await fs.writeFile(tmp, script, { mode: 0o755 });
  await fs.rename(tmp, layout.wrapper);
}

async function findJava(): Promise<string | null> {
  const home = process.env.JAVA_HOME;
  if (home && (await isExecutable(path.join(home, 'bin', 'java')))) return path.join(home, 'bin', 'java');
  return findOnPath('java');
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function readFileOrNull(file: string): Promise<string | null> {
  return fs.readFile(file, 'utf8').catch(() => null);
}

function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
