/**
 * What `npm start` and `npm run serve` both hold while they run, opened in one order: the database checked (with
 * PostgreSQL) before the sources, which may take long to index; the data folder kept current; what the bot keeps (the
 * store, when its database can be used); and, with PostgreSQL, the other instances' /reindex.
 */
import type { StorageSettings, CoreConfig } from './config.js';
import { DataFolderError } from './corpus/load.js';
import { EXIT_CONFIG, exitWith } from './exit.js';
import { openLiveSources } from './live-sources.js';
import type { Logger } from './log.js';
import type { LiveLibrary } from './reload.js';
import { databaseReachableOrExit, reindexWithOtherInstances } from './store/instances.js';
import { openStore, pruneOldQuestions } from './store/open.js';
import type { Store } from './store/store.js';

export interface Running {
  readonly live: LiveLibrary;
  /** Undefined when the database cannot be used (one warning said so): the bot answers without what it stores. */
  readonly store: Store | undefined;
  /** With PostgreSQL: tells the other instances of a /reindex. */
  readonly announceReindex: (() => Promise<void>) | undefined;
  /** Stops watching, pruning and listening, waits for `transportStopped`, then closes the store. */
  close(transportStopped: Promise<unknown>): Promise<void>;
}

/** Ends the process, saying what to fix, when the data folder or PostgreSQL cannot be used. */
export async function openRunningOrExit(
  config: CoreConfig & { readonly reloadDebounceMs: number; readonly storage: StorageSettings },
  logger: Logger,
): Promise<Running> {
  const { postgres } = config.storage;
  await databaseReachableOrExit(postgres, logger);
  let sources;
  try {
    sources = await openLiveSources(config, logger);
  } catch (error) {
    if (error instanceof DataFolderError) exitWith(error.message, EXIT_CONFIG);
    throw error;
  }
  const store = await openStore(config.storage, logger);
  const stopPruning = store ? pruneOldQuestions(store, config.storage, logger) : () => {};
  const reindexSignal = postgres && (await reindexWithOtherInstances(postgres, sources.live, logger));
  return {
    live: sources.live,
    store,
    announceReindex: reindexSignal?.announce,
    async close(transportStopped) {
      sources.close();
      stopPruning();
      await Promise.all([transportStopped, reindexSignal?.close()]);
      await store?.close();
    },
  };
}
