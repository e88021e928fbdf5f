import { DataSource, type EntityManager } from 'typeorm';
import type { Db } from '../../shared/database/db';

/** The transaction a write and its event-log entries share; a repository built over the data source refuses to write. */
export function inTransaction(db: Db): EntityManager {
  if (db instanceof DataSource) throw new Error('this write runs inside the use case’s transaction: build the repository over its EntityManager');
  return db;
}
