/**
 * Several instances (`npm run serve` behind a load balancer, or several bots) sharing one PostgreSQL database: the
 * start-up check that it can be reached, and `/reindex` reaching all of them.
 */
import pg from 'pg';
import { databaseLocation, type PostgresSettings } from '../config.js';
import { EXIT_CONFIG, exitWith } from '../exit.js';
import type { Logger } from '../log.js';
import { DatabaseUnreachableError, unreachableReason, whenReachable, type Peer } from '../reach.js';
import type { LiveLibrary } from '../reload.js';
import { listenForReindex, type ReindexSignal } from './reindex-signal.js';

/** The database answered, but refused this connection (a wrong password, a database that does not exist…). */
export class DatabaseRefusedError extends Error {
  override name = 'DatabaseRefusedError';
  constructor(where: string, reason: string) {
    super(`The database at ${where} refused the connection (${reason}). Correct DATABASE_URL, then start again.`);
  }
}

/** One connection and one query, closed again: whether the database can be used at all. */
async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  // Errors after connecting (the server going away) would otherwise end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Waits, for at most CONNECT_RETRY_SECONDS, until the database can be reached. Throws DatabaseUnreachableError when it
 * never could, and DatabaseRefusedError when it answered but would not let this instance in.
 */
export async function whenDatabaseReachable(settings: PostgresSettings, logger: Logger): Promise<void> {
  const where = databaseLocation(settings.url);
  const peer: Peer = {
    name: `The database at ${where}`,
    unreachable: (seconds, reason) => new DatabaseUnreachableError(seconds, reason, where),
  };
  try {
    await whenReachable(() => probe(settings.url), settings.connectRetrySeconds * 1000, logger, peer);
  } catch (error) {
    if (error instanceof DatabaseUnreachableError || unreachableReason(error) !== undefined) throw error;
    throw new DatabaseRefusedError(where, (error as Error).message);
  }
}

/**
 * The start-up check of `npm start` and `npm run serve`, before the sources (which may take long to index): a
 * database that cannot be used ends the process, saying what to set.
 */
export async function databaseReachableOrExit(settings: PostgresSettings | undefined, logger: Logger): Promise<void> {
  if (settings === undefined) return;
  try {
    await whenDatabaseReachable(settings, logger);
  } catch (error) {
    if (error instanceof DatabaseUnreachableError || error instanceof DatabaseRefusedError) exitWith(error.message, EXIT_CONFIG);
    throw error;
  }
}

/** Reloads `live` whenever another instance announces a /reindex; `announce` tells the others of this one's. */
export function reindexWithOtherInstances(settings: PostgresSettings, live: LiveLibrary, logger: Logger): Promise<ReindexSignal> {
  return listenForReindex({ url: settings.url, onReindex: (trigger) => void live.reload(trigger), logger });
}
