import type { DataSource, EntityManager } from 'typeorm';

/** What a repository runs its SQL on: the data source, or a transaction's manager (so one use case's writes commit together). */
export type Db = DataSource | EntityManager;
