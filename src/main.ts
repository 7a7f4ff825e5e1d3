/** `npm start`: the Discord bot, in one process; `npm run start:sharded` runs several of it (src/shard.ts). */
import { DataFolderError, defaultSourceOptions, listsWebPages, type Warn } from './corpus/load.js';
import { startBot, TokenRejectedError, type Bot } from './discord/bot.js';
import { DiscordUnreachableError, whenReachable } from './discord/reach.js';
import { botConfigOrExit, EXIT_CONFIG, EXIT_CRASH, exitWith } from './exit.js';
import { openLibrary, type Library } from './library.js';
import { createLogger } from './log.js';
import { LiveLibrary } from './reload.js';
import { describeSearch, loggedProgress } from './semantic/progress.js';

const config = botConfigOrExit();

const rootLogger = createLogger(config.logLevel);
const logger = config.managedShards ? rootLogger.child({ shards: config.managedShards }) : rootLogger;
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (error) => {
  // The process state is unknown after an uncaught exception: log it and let the supervisor restart the bot.
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(EXIT_CRASH);
});

// Hybrid: answers are by words at once, and by words and meaning once the passages are read in the background.
// At start, web pages fetched lately are read from their snapshots; a reload fetches every one again.
const open = (warn: Warn, fetchEveryPage = true): Promise<Library> =>
  openLibrary({
    ...config.search,
    dataDir: config.dataDir,
    warn,
    sources: defaultSourceOptions(config.webRefreshMs, fetchEveryPage),
    onProgress: loggedProgress(logger),
  });

let library: Library;
try {
  library = await open((message) => logger.warn(message), false);
} catch (error) {
  if (error instanceof DataFolderError) exitWith(error.message, EXIT_CONFIG);
  throw error;
}
logger.info(
  { sources: library.sources.length, passages: library.passages.length, search: describeSearch(library.searchStatus) },
  'sources indexed',
);
const live = new LiveLibrary(library, open, logger);
const watch = live.watch(config.reloadDebounceMs);
// Listed web pages are fetched again (conditionally: an unchanged page costs its server little) every
// WEB_REFRESH_MINUTES, by a reload, which keeps answering from the previous library until the new one is built.
const webRefresh =
  config.webRefreshMs > 0
    ? setInterval(() => {
        void listsWebPages(config.dataDir).then((lists) => {
          if (lists) void live.reload('web pages are due to be fetched again');
        });
      }, config.webRefreshMs).unref()
    : undefined;

let bot: Bot;
try {
  bot = await whenReachable(
    () => startBot(config, live, logger, { onFatal: (error) => exitWith(error.message, EXIT_CONFIG) }),
    config.connectRetrySeconds * 1000,
    logger,
  );
} catch (error) {
  if (error instanceof TokenRejectedError || error instanceof DiscordUnreachableError) {
    exitWith(error.message, EXIT_CONFIG);
  }
  throw error;
}

let stopping = false;
function shutDown(reason: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'shutting down');
  watch.close();
  clearInterval(webRefresh);
  void bot.stop().then(() => process.exit(0));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutDown(signal));
// Under `npm run start:sharded` the manager is the one that restarts or stops this shard: without it, stop too, rather
// than answer beside the shard a new manager starts (every interaction would be answered twice).
process.once('disconnect', () => shutDown('the shard manager is gone'));
