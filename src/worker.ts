import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { APPLICATION_TASK_QUEUE } from './shared/temporal/task-queue';
import { attentionInterceptors } from './attention/infra/attention-interceptor';

export interface WorkerConfig {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  activities: object;
  /** Where deterministic and persistent activity failures are listed for operations (attention_items). */
  db: DataSource;
  /** Prebuilt bundle (tests share one); otherwise the workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The bundle's entry point when bundled from source (default: src/workflows.ts; the bench adds its baseline). */
  workflowsPath?: string;
}

/** src/workflows.ts under vitest and tsx, dist/src/workflows.js once compiled. */
export const WORKFLOWS_PATH = ['workflows.js', 'workflows.ts']
  .map((file) => path.join(__dirname, file))
  .find((file) => existsSync(file))!;

export async function createWorker(config: WorkerConfig): Promise<Worker> {
  return Worker.create({
    connection: config.connection,
    namespace: config.namespace ?? 'default',
    taskQueue: config.taskQueue ?? APPLICATION_TASK_QUEUE,
    activities: config.activities,
    // Deterministic failures stop retrying and are listed; persistent ones are listed while retried.
    interceptors: { activity: [attentionInterceptors(config.db)] },
    ...(config.workflowBundle ? { workflowBundle: config.workflowBundle } : { workflowsPath: config.workflowsPath ?? WORKFLOWS_PATH }),
  });
}
