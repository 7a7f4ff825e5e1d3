/** `npm start`: the Discord bot, in one process; `npm run start:sharded` runs several of it (src/shard.ts). */
import { startBot, TokenRejectedError, type Bot } from './discord/bot.js';
import { DiscordUnreachableError, whenReachable } from './reach.js';
import { botConfigOrExit, EXIT_CONFIG, EXIT_CRASH, exitWith, shutDownOnSignals } from './exit.js';
import { createLogger } from './log.js';
import { openRunningOrExit } from './running.js';

const config = botConfigOrExit();

const rootLogger = createLogger(config.logLevel);
const logger = config.managedShards ? rootLogger.child({ shards: config.managedShards }) : rootLogger;
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (error) => {
  // The process state is unknown after an uncaught exception: log it and let the supervisor restart the bot.
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(EXIT_CRASH);
});

const running = await openRunningOrExit(config, logger);
const { live, store } = running;

let bot: Bot;
try {
  bot = await whenReachable(
    () =>
      startBot(config, live, logger, {
        onFatal: (error) => exitWith(error.message, EXIT_CONFIG),
        ...(store && { store }),
        recording: config.storage,
        announceReindex: running.announceReindex,
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

const shutDown = shutDownOnSignals(logger, () => running.close(bot.stop()));
// Under `npm run start:sharded` the manager is the one that restarts or stops this shard: without it, stop too, rather
// than answer beside the shard a new manager starts (every interaction would be answered twice).
process.once('disconnect', () => shutDown('the shard manager is gone'));
