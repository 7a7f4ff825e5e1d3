/** The Store in PostgreSQL (DATABASE_URL): one state for several instances, behind the same interface as SQLite. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { PostgresSettings } from '../config.js';
import { KyselyStore, type Database } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Store } from './store.js';

/** How long a query waits for a free connection of the pool before it fails: the database is overloaded or gone. */
const POOL_WAIT_MS = 10_000;

// Times are kept as bigint milliseconds; pg hands a bigint back as a string, which the store turns into a number.

/**
 * Opens a pool of DATABASE_POOL_SIZE connections and brings the schema to the latest version. Instances starting
 * together are safe: Kysely's migrator takes a lock in the database, and the later ones find the work done.
 */
export async function openPostgresStore(settings: Pick<PostgresSettings, 'url' | 'poolSize'>): Promise<Store> {
  const pool = new pg.Pool({ connectionString: settings.url, max: settings.poolSize, connectionTimeoutMillis: POOL_WAIT_MS });
  // An idle connection the server closes (a restart, a failover) is an 'error' on the pool: without a listener it
  // would end the process. The pool makes a new connection for the next query.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
    return new KyselyStore(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
