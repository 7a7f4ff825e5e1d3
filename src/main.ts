/** `npm start`: the Discord bot, in one process; `npm run start:sharded` runs several of it (src/shard.ts). */
import { DataFolderError, type Warn } from './corpus/load.js';
import { startBot, TokenRejectedError, type Bot } from './discord/bot.js';
import { botConfigOrExit, EXIT_CONFIG, EXIT_CRASH, exitWith } from './exit.js';
import { Library } from './library.js';
import { createLogger } from './log.js';
import { LiveLibrary } from './reload.js';
import { DEFAULT_INDEX_CACHE_DIR } from './search/persist.js';
import { describeSearch, loggedProgress } from './semantic/progress.js';
import { DEFAULT_VECTOR_CACHE_DIR } from './semantic/vector-store.js';

const config = botConfigOrExit();

const rootLogger = createLogger(config.logLevel);
const logger = config.managedShards ? rootLogger.child({ shards: config.managedShards }) : rootLogger;
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (error) => {
  // The process state is unknown after an uncaught exception: log it and let the supervisor restart the bot.
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(EXIT_CRASH);
});

const open = (warn: Warn): Promise<Library> =>
  Library.open({
    dataDir: config.dataDir,
    warn,
    cacheDir: DEFAULT_INDEX_CACHE_DIR,
    // Hybrid: answers are lexical at once, and hybrid once passage vectors are computed in the background.
    ...(config.search.mode === 'hybrid' && {
      semantic: {
        fusion: config.search.fusion,
        cacheDir: DEFAULT_VECTOR_CACHE_DIR,
        onProgress: loggedProgress(logger),
      },
    }),
  });

let library: Library;
try {
  library = await open((message) => logger.warn(message));
} catch (error) {
  if (error instanceof DataFolderError) exitWith(error.message, EXIT_CONFIG);
  throw error;
}
logger.info(
  { sources: library.sources.length, passages: library.passages.length, search: describeSearch(library.searchStatus) },
  'sources indexed',
);
const libraries = new LiveLibrary(library, open, logger);
const watch = libraries.watch(config.reloadDebounceMs);

let bot: Bot;
try {
  bot = await startBot(config, libraries, logger, { onFatal: (error) => exitWith(error.message, EXIT_CONFIG) });
} catch (error) {
  if (error instanceof TokenRejectedError) exitWith(error.message, EXIT_CONFIG);
  throw error;
}

let stopping = false;
function shutDown(reason: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'shutting down');
  watch.close();
  void bot.stop().then(() => process.exit(0));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutDown(signal));
// Under `npm run start:sharded` the manager is the one that restarts or stops this shard: without it, stop too, rather
// than answer beside the shard a new manager starts (every interaction would be answered twice).
process.once('disconnect', () => shutDown('the shard manager is gone'));
