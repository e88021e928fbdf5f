import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findOnPath, explicitExecutable, isExecutable, Log, OutputTail, toolsCacheDir, withFileLock } from './cache-dir';

/**
 * Temporal CLI version built from source when no binary is available. Later tags
 * carry a `replace` directive in go.mod, which `go install pkg@version` rejects.
 */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export function cachedTemporalCliPath(): string {
  return path.join(toolsCacheDir(), 'bin', 'temporal');
}

/**
 * Locates a Temporal CLI: `$TEMPORAL_CLI_PATH`, then `temporal` on PATH, then the
 * tool cache; builds it into the cache with `go install` when Go is available.
 * Returns null when none of that is possible (the caller may then fall back to the
 * SDK's own download, which needs internet access).
 */
export async function resolveTemporalCli(log: Log): Promise<string | null> {
  const explicit = await explicitExecutable('TEMPORAL_CLI_PATH');
  if (explicit) return explicit;

  const onPath = await findOnPath('temporal');
  if (onPath) return onPath;

  const cached = cachedTemporalCliPath();
  if (await isExecutable(cached)) return cached;

  const go = await findGo();
  if (!go) {
    log('Temporal CLI not found (TEMPORAL_CLI_PATH, PATH, tool cache) and no Go toolchain to build it.');
    return null;
  }

  try {
    return await withFileLock(
      `${cached}.lock`,
      async () => {
        // Another process may have built it while we were waiting for the lock.
        if (await isExecutable(cached)) return cached;
        await goInstall(go, cached, log);
        return cached;
      },
      { log, what: 'building the Temporal CLI' },
    );
  } catch (error) {
    log(`Could not build the Temporal CLI: ${(error as Error).message}`);
    return null;
  }
}

async function findGo(): Promise<string | null> {
  const onPath = await findOnPath('go');
  if (onPath) return onPath;
  // Default install location of the official tarball, often missing from non-login PATHs.
  for (const candidate of [process.env.GOROOT && path.join(process.env.GOROOT, 'bin', 'go'), '/usr/local/go/bin/go']) {
    if (candidate && (await isExecutable(candidate))) return candidate;
  }
  return null;
}

async function goInstall(go: string, target: string, log: Log): Promise<void> {
  const binDir = path.dirname(target);
  // Build into a private directory and rename: a killed build never leaves a truncated binary.
  const stagingDir = path.join(binDir, `.build-${process.pid}`);
  await fs.rm(stagingDir, { recursive: true, force: true });
  await fs.mkdir(stagingDir, { recursive: true });

  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} from its Go module (first time only, takes several minutes)…`);
  log(`  ${go} install ${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION} → ${target}`);
  const started = Date.now();
  const tail = new OutputTail(30);
  let packages = 0;
  let downloads = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', '-v', `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, GOBIN: stagingDir, GOFLAGS: '', GO111MODULE: 'on' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const onOutput = (chunk: Buffer): void => {
        for (const line of chunk.toString().split('\n')) {
          if (!line.trim()) continue;
          tail.add(line);
          if (line.startsWith('go: downloading')) downloads += 1;
          else if (!line.startsWith('#') && !line.startsWith('go:')) packages += 1; // `-v` prints one line per package
        }
      };
      child.stdout.on('data', onOutput);
      child.stderr.on('data', onOutput);
      const progress = setInterval(() => {
        log(`  … ${formatElapsed(Date.now() - started)} elapsed, ${downloads} modules downloaded, ${packages} packages compiled`);
      }, 20_000);
      progress.unref();
      child.once('error', (error) => {
        clearInterval(progress);
        reject(error);
      });
      child.once('close', (code, signal) => {
        clearInterval(progress);
        if (code === 0) resolve();
        else reject(new Error(`go install exited with ${signal ?? `code ${code}`}:\n${tail.toString()}`));
      });
    });
    const built = path.join(stagingDir, 'temporal');
    if (!(await isExecutable(built))) throw new Error(`go install succeeded but ${built} is missing`);
    await fs.rename(built, target);
    log(`Temporal CLI built in ${formatElapsed(Date.now() - started)}: ${target}`);
  } finally {
    await fs.rm(stagingDir, { recursive: true, force: true });
  }
}

function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}
