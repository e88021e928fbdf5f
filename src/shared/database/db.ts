import { DataSource, type EntityManager } from 'typeorm';

/** What a repository runs its SQL on: the data source, or a transaction's manager (so one use case's writes commit together). */
export type Db = DataSource | EntityManager;

/**
 * The transaction's manager, for a write that must commit with the use case's other writes (a change and its
 * event-log entries, chained under a transaction-scoped lock): a repository built over the data source, or over a
 * manager outside any transaction (`dataSource.manager`), refuses it, as the row and its entry would otherwise commit
 * apart (one written, the other lost on a failure between them).
 */
export function transactionManager(db: Db, what = 'this write'): EntityManager {
  if (db instanceof DataSource || !db.queryRunner?.isTransactionActive)
    throw new Error(`${what} runs inside the use case's transaction: build the repository over its EntityManager`);
  return db;
}

/** An EntityManager for a single statement: the transaction's when there is one, else the data source's. */
export function entityManager(db: Db): EntityManager {
  return db instanceof DataSource ? db.manager : db;
}
