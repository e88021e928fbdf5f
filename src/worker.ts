import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { APPLICATION_TASK_QUEUE } from './shared/temporal/task-queue';
import { attentionInterceptors } from './attention/infra/attention-interceptor';
import { WORKFLOWS_PATH, workflowCode } from './workflow-code';
import type { WorkerTuning } from './config/topology';

export { WORKFLOWS_PATH } from './workflow-code';

export interface WorkerConfig {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  activities: object;
  /** Where deterministic and persistent activity failures are listed for operations (attention_items). */
  db: DataSource;
  /** Prebuilt bundle; otherwise workflowsPath, else the process's workflow code (workflowCode(): `npm run build`'s bundle from dist). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The bundle's entry point when bundled from source (the bench adds its baseline). */
  workflowsPath?: string;
  /** Issue 15: at shutdown, how long running activities may go on before they are cancelled (default: the SDK's, none). */
  shutdownGraceMs?: number;
  /** Issue 15: fail rather than bundle at start when no prebuilt bundle is there (production, a worker-only process). */
  requireBundle?: boolean;
  /** Issue 15: WORKER_* tuning; a null or absent value keeps the SDK's default. */
  tuning?: Partial<WorkerTuning>;
}

export async function createWorker(config: WorkerConfig): Promise<Worker> {
  return Worker.create({
    connection: config.connection,
    namespace: config.namespace ?? 'default',
    taskQueue: config.taskQueue ?? APPLICATION_TASK_QUEUE,
    activities: config.activities,
    ...Object.fromEntries(Object.entries(config.tuning ?? {}).filter(([, v]) => v !== null && v !== undefined)),
    // Deterministic failures stop retrying and are listed; persistent ones are listed while retried.
    interceptors: { activity: [attentionInterceptors(config.db)] },
    ...(config.shutdownGraceMs !== undefined ? { shutdownGraceTime: config.shutdownGraceMs } : {}),
    ...(config.workflowBundle
      ? { workflowBundle: config.workflowBundle }
      : config.workflowsPath
        ? { workflowsPath: config.workflowsPath }
        : workflowCode({ requireBundle: config.requireBundle })),
  });
}

/**
 * Issue 15: bundles the workflows (webpack) into `codePath`, which workers then load without bundling: by
 * `npm run build` (scripts/bundle-workflows.ts) and once per test run (test/support/global-setup.ts).
 */
export async function writeWorkflowBundle(
  codePath: string,
  workflowsPath: string = WORKFLOWS_PATH,
): Promise<{ bytes: number; ms: number }> {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  mkdirSync(path.dirname(codePath), { recursive: true });
  // Written aside then renamed: a worker never reads half a bundle.
  const partial = `${codePath}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, codePath);
  return { bytes: Buffer.byteLength(code), ms: Date.now() - started };
}
