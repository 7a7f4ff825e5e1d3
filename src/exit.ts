import dotenv from 'dotenv';
import { ConfigError, loadBotConfig, loadServeConfig, type BotConfig, type ServeConfig } from './config.js';
import type { Logger } from './log.js';

/**
 * How the bot's processes end when they cannot go on, for whatever restarts them: systemd
 * (`RestartPreventExitStatus=1`), a container's restart policy, or `npm run start:sharded` for its shards.
 */

/** Starting again unchanged would fail the same way: the settings, the token or the data folder must be fixed. */
export const EXIT_CONFIG = 1;

/** Something went wrong inside the bot (EX_SOFTWARE): starting it again may well work. */
export const EXIT_CRASH = 70;

/** Says why on stderr, plainly: this is for the person starting the bot, not for the log. */
export function exitWith(message: string, status: number): never {
  console.error(message);
  process.exit(status);
}

/** The bot's settings from the environment and `.env`; settings that cannot work end the process, saying what to set. */
export function botConfigOrExit(): BotConfig {
  dotenv.config({ quiet: true });
  try {
    return loadBotConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWith(error.message, EXIT_CONFIG);
    throw error;
  }
}

/** The server's settings from the environment and `.env`, as `botConfigOrExit` reads the bot's. */
export function serveConfigOrExit(): ServeConfig {
  dotenv.config({ quiet: true });
  try {
    return loadServeConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWith(error.message, EXIT_CONFIG);
    throw error;
  }
}

/**
 * Stops once on SIGINT or SIGTERM, or when the returned function is called with another reason: logs why, runs `stop`
 * (closing what the process holds), then exits 0.
 */
export function shutDownOnSignals(logger: Logger, stop: () => Promise<unknown>): (reason: string) => void {
  let stopping = false;
  const shutDown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    void stop().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutDown(signal));
  return shutDown;
}
