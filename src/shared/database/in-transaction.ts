import type { EntityManager } from 'typeorm';
import type { Db } from './db';

/**
 * The transaction's manager a write needs when it must commit with others or hold a lock until the transaction
 * ends (the event log's appends): a repository built over the data source refuses it, naming `what`.
 */
export function transactionManager(db: Db, what: string): EntityManager {
  if (!('queryRunner' in db) || !db.queryRunner?.isTransactionActive) throw new Error(`${what} is written in a transaction: build the repository over the transaction's manager`);
  return db;
}
