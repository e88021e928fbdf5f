import { DataSource, type EntityManager } from 'typeorm';
import type { Db } from '../../shared/database/db';

/**
 * The event log chains its entries under a transaction-scoped lock (appendToLog): a repository method that
 * writes a change with its log entries runs on the manager of the use case's transaction.
 */
export function transactionManager(db: Db): EntityManager {
  if (db instanceof DataSource) throw new Error('log entries are appended in a transaction: build the repository over the transaction\'s manager');
  return db;
}
