/** `npm start`: the Discord bot. */
import dotenv from 'dotenv';
import { ConfigError, loadBotConfig, type BotConfig } from './config.js';
import { DataFolderError } from './corpus/load.js';
import { startBot, TokenRejectedError, type Bot } from './discord/bot.js';
import { Library } from './library.js';
import { createLogger } from './log.js';

/** Said on stderr, plainly: these are for the person starting the bot, not for the log. */
function exitWith(message: string): never {
  console.error(message);
  process.exit(1);
}

dotenv.config({ quiet: true });

let config: BotConfig;
try {
  config = loadBotConfig();
} catch (error) {
  if (error instanceof ConfigError) exitWith(error.message);
  throw error;
}

const logger = createLogger(config.logLevel);
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (error) => {
  // The process state is unknown after an uncaught exception: log it and let the supervisor restart the bot.
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(1);
});

let library: Library;
try {
  library = await Library.open({ dataDir: config.dataDir, warn: (message) => logger.warn(message) });
} catch (error) {
  if (error instanceof DataFolderError) exitWith(error.message);
  throw error;
}
logger.info({ sources: library.sources.length, passages: library.passages.length }, 'sources indexed');

let bot: Bot;
try {
  bot = await startBot(config, library, logger, { onFatal: (error) => exitWith(error.message) });
} catch (error) {
  if (error instanceof TokenRejectedError) exitWith(error.message);
  throw error;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    void bot.stop().then(() => process.exit(0));
  });
}
