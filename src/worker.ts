import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { APPLICATION_TASK_QUEUE } from './shared/temporal/task-queue';
import { attentionInterceptors } from './attention/infra/attention-interceptor';
import { WORKFLOWS_PATH, workflowCode, type WorkflowCode } from './workflow-code';
import type { WorkerTuning } from './config/topology';
import { sharedWorkflowModules } from './shared/temporal/shared-workflow-modules';

export { WORKFLOWS_PATH } from './workflow-code';

export interface WorkerConfig {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  activities: object;
  /** Where deterministic and persistent activity failures are listed for operations (attention_items). */
  db: DataSource;
  /** Prebuilt bundle; else the process's workflow code (workflowCode(): `npm run build`'s bundle from dist, or bundled from source). */
  workflowBundle?: WorkerOptions['workflowBundle'];
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
      : bundledAsBuilt(workflowCode({ requireBundle: config.requireBundle }))),
  });
}

/** Workflows bundled at start (tsx, vitest) share the same modules as the bundle `npm run build` writes. */
function bundledAsBuilt(code: WorkflowCode): Partial<WorkerOptions> {
  return 'workflowsPath' in code ? { ...code, bundlerOptions: { preloadModules: sharedWorkflowModules(code.workflowsPath) } } : code;
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
  // The pure domain is evaluated once per worker, not once per cached workflow (sharedWorkflowModules).
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    logger: new DefaultLogger('WARN'),
    preloadModules: sharedWorkflowModules(workflowsPath),
  });
  mkdirSync(path.dirname(codePath), { recursive: true });
  // Written aside then renamed: a worker never reads half a bundle.
  const partial = `${codePath}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, codePath);
  return { bytes: Buffer.byteLength(code), ms: Date.now() - started };
}
