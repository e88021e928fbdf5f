import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type RuntimeConfig } from '../../src/config/env';
import { type RunningSystem, startSystem } from '../../src/system';
import { scratchDatabase } from './scratch-database';

export interface ScratchSystem {
  system: RunningSystem;
  /** The system's data directory (a fresh temporary one). */
  dataDir: string;
  /** Stops the system, then drops its scratch database (if it has one). */
  stop(): Promise<void>;
}

export interface ScratchSystemOptions {
  /** Names the data directory, the scratch database, the task queue and the log prefix. */
  name: string;
  /**
   * true (the default): a database of its own, created by the owner then migrated (the system then connects as the
   * app role, issue 12), dropped by stop(); false: the run's shared database.
   */
  scratchDatabase?: boolean;
  /** Settings that differ from `./dev start`'s. */
  config?: Partial<RuntimeConfig>;
  log?: (message: string) => void;
}

/**
 * The system as `./dev start` brings it up (the Temporal CLI dev server, the worker, the API, the mail capture), on
 * ports the OS gives it: a port picked beforehand may be taken by a parallel file's servers.
 */
export async function startScratchSystem(options: ScratchSystemOptions): Promise<ScratchSystem> {
  const { name } = options;
  const log = options.log ?? ((m: string) => process.stderr.write(`[${name}] ${m}\n`));
  const scratch = options.scratchDatabase === false ? null : await scratchDatabase(name);
  const databaseUrl = scratch?.ownerUrl ?? inject('ownerDatabaseUrl');
  const dropScratch = async () => void (await scratch?.drop());
  const dataDir = mkdtempSync(path.join(tmpdir(), `pix-${name}-`));
  let system: RunningSystem;
  try {
    system = await startSystem(
      {
        ...loadConfig(),
        dataDir,
        apiPort: 0,
        databaseUrl,
        temporalAddress: null,
        temporalPort: 0,
        temporalUiPort: 0,
        smtpUrl: null,
        mailCapturePort: 0,
        taskQueue: name,
        ...options.config,
      },
      log,
    );
  } catch (error) {
    await dropScratch();
    throw error;
  }
  return {
    system,
    dataDir,
    stop: async () => {
      try {
        await system.stop();
      } finally {
        await dropScratch();
      }
    },
  };
}
