/** The store the bot runs with, or none: a database that cannot be used costs the features below, never the answers. */
import { databaseLocation, type StorageSettings } from '../config.js';
import type { Logger } from '../log.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** Why the database could not be used, in a few words: the database's own message, without a stack. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens the configured database. When it cannot be used (corrupt, unwritable, locked by another program), logs one
 * warning that says what is lost and what to do, and resolves to undefined: the bot goes on answering.
 */
export async function openStore(settings: StorageSettings, logger: Logger): Promise<Store | undefined> {
  const { postgres } = settings;
  const database = postgres ? databaseLocation(postgres.url) : settings.databasePath;
  try {
    const store = postgres ? await openPostgresStore(postgres) : await openSqliteStore(settings.databasePath);
    logger.info({ database }, 'database opened');
    return store;
  } catch (error) {
    const fix = postgres ? 'Check DATABASE_URL and the database' : 'Fix or move the file (or set DATABASE_PATH)';
    logger.warn(
      { database, reason: reasonOf(error) },
      `The database ${database} cannot be used (${reasonOf(error)}). The bot answers questions as usual, ` +
        'but pinned answers are not kept up to date, unanswered questions are not recorded, /gaps and the ' +
        `Helpful / Not helpful buttons are unavailable. ${fix} and restart.`,
    );
    return undefined;
  }
}

const DAY_MS = 86_400_000;
/** How often recorded questions past RECORD_DAYS are deleted, besides at start. */
const PRUNE_EVERY_MS = DAY_MS / 4;

/** Deletes recorded questions older than RECORD_DAYS now and every few hours; returns what stops it. */
export function pruneOldQuestions(store: Store, settings: StorageSettings, logger: Logger): () => void {
  const prune = () => {
    store
      .forgetQuestionsBefore(new Date(Date.now() - settings.recordDays * DAY_MS))
      .then((forgotten) => {
        if (forgotten > 0) logger.info({ forgotten, recordDays: settings.recordDays }, 'old recorded questions deleted');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not delete old recorded questions'));
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS).unref();
  return () => clearInterval(timer);
}
