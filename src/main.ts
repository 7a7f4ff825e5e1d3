/** `npm start`: the Discord bot, in one process; `npm run start:sharded` runs several of it (src/shard.ts). */
import { DataFolderError } from './corpus/load.js';
import { startBot, TokenRejectedError, type Bot } from './discord/bot.js';
import { DiscordUnreachableError, whenReachable } from './reach.js';
import { botConfigOrExit, EXIT_CONFIG, EXIT_CRASH, exitWith, shutDownOnSignals } from './exit.js';
import { createLogger } from './log.js';
import { openLiveSources, type LiveSources } from './live-sources.js';
import { openStore, pruneOldQuestions } from './store/open.js';
import { databaseReachableOrExit, reindexWithOtherInstances } from './store/instances.js';
import type { ReindexSignal } from './store/reindex-signal.js';

const config = botConfigOrExit();

const rootLogger = createLogger(config.logLevel);
const logger = config.managedShards ? rootLogger.child({ shards: config.managedShards }) : rootLogger;
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (error) => {
  // The process state is unknown after an uncaught exception: log it and let the supervisor restart the bot.
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(EXIT_CRASH);
});

const { postgres } = config.storage;
await databaseReachableOrExit(postgres, logger);

let sources: LiveSources;
try {
  sources = await openLiveSources(config, logger);
} catch (error) {
  if (error instanceof DataFolderError) exitWith(error.message, EXIT_CONFIG);
  throw error;
}
const { live } = sources;
const reindexSignal: ReindexSignal | undefined = postgres && (await reindexWithOtherInstances(postgres, live, logger));

// A database that cannot be used is one warning: the bot answers without what it stores.
const store = await openStore(config.storage, logger);
const stopPruning = store ? pruneOldQuestions(store, config.storage, logger) : () => {};

let bot: Bot;
try {
  bot = await whenReachable(
    () =>
      startBot(config, live, logger, {
        onFatal: (error) => exitWith(error.message, EXIT_CONFIG),
        ...(store && { store }),
        recording: config.storage,
        announceReindex: reindexSignal?.announce,
      }),
    config.connectRetrySeconds * 1000,
    logger,
  );
} catch (error) {
  if (error instanceof TokenRejectedError || error instanceof DiscordUnreachableError) {
    exitWith(error.message, EXIT_CONFIG);
  }
  throw error;
}

const shutDown = shutDownOnSignals(logger, async () => {
  sources.close();
  stopPruning();
  await Promise.all([bot.stop(), reindexSignal?.close()]);
  await store?.close();
});
// Under `npm run start:sharded` the manager is the one that restarts or stops this shard: without it, stop too, rather
// than answer beside the shard a new manager starts (every interaction would be answered twice).
process.once('disconnect', () => shutDown('the shard manager is gone'));
