import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';

/** What the application use cases need, injected by the API module (or by tests). */
export interface ApplicationDeps {
  db: DataSource;
  temporal: Client;
  taskQueue: string;
  now: () => Date;
}
