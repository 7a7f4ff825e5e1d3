/** The Store in one SQLite file: the default, for one machine (several shards of one bot share the file). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore, type Database } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Store } from './store.js';

/**
 * How long a statement waits for another process (another shard) to finish writing before it fails with
 * SQLITE_BUSY. Writes here are single rows, so a wait this long means the file is held by something else.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** Attempts at bringing the schema up to date, when other processes open the same new file at the same moment. */
const MIGRATION_ATTEMPTS = 4;
const MIGRATION_RETRY_MS = 100;

/**
 * Shards start together and open the same file: two may both find a migration to run, and the second then fails
 * ("table already exists", or busy). Its transaction is rolled back, so it tries again, and finds the work done.
 */
async function migrateWhileOthersMay(db: Kysely<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(db);
      return;
    } catch (error) {
      if (attempt === MIGRATION_ATTEMPTS) throw error;
      await sleep(MIGRATION_RETRY_MS * attempt);
    }
  }
}

/**
 * Opens (creating it and its folder when missing) the SQLite file at `file`, in WAL mode so that readers never wait
 * for a writer, and brings its schema to the latest version. Throws when the file is corrupt, unwritable or locked.
 */
export async function openSqliteStore(file: string): Promise<Store> {
  const folder = path.dirname(file);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new Error(`its folder ${folder} cannot be made: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
  const sqlite = new SQLite(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    sqlite.pragma('journal_mode = WAL');
    // In WAL mode a commit is durable once the log is synced at checkpoints; losing the last vote to a power cut
    // is acceptable, and each write stays cheap.
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    await migrateWhileOthersMay(db as Kysely<unknown>);
    return new KyselyStore(db);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
