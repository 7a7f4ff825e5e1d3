import path from 'node:path';

/**
 * Settings from the environment (and `.env`, loaded by the entry points through dotenv).
 * This module is the only reader of process.env: everything else receives typed values.
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Readonly<Record<string, string | undefined>>;

/** Settings the core needs: the CLI runs on these alone, with no .env. */
export interface CoreConfig {
  /** Absolute path of the folder of source documents (DATA_DIR, default `data`). */
  readonly dataDir: string;
}

/** Settings of the Discord bot. */
export interface BotConfig extends CoreConfig {
  /** DISCORD_TOKEN: the bot's token. Never logged. */
  readonly token: string;
  /** DISCORD_CLIENT_ID: the application id, needed to register commands. */
  readonly clientId: string | undefined;
  /** DISCORD_GUILD_ID: register commands to this guild only (instant; for a test server). */
  readonly guildId: string | undefined;
  /** SOURCE_BASE_URL: when set, citations link to `${SOURCE_BASE_URL}/${file}#L{first}-L{last}`. */
  readonly sourceBaseUrl: string | undefined;
  /** LOG_LEVEL: pino level, default `info`. */
  readonly logLevel: LogLevel;
  /** DISCORD_API_URL: REST base such as `http://127.0.0.1:PORT/api` (a proxy or a local Discord API). */
  readonly apiUrl: string | undefined;
}

const SNOWFLAKE = /^\d{17,20}$/;

function optional(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? value : undefined;
}

function httpUrl(env: Env, key: string, example: string): string | undefined {
  const value = optional(env, key);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${key} is not a URL. Set it to an http(s) address such as ${example}, or leave it empty.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${key} must start with http:// or https://, for example ${example}.`);
  }
  return value.replace(/\/+$/, '');
}

function snowflake(env: Env, key: string, what: string): string | undefined {
  const value = optional(env, key);
  if (value !== undefined && !SNOWFLAKE.test(value)) {
    throw new ConfigError(`${key} must be ${what}: a number of 17 to 20 digits (Discord: Developer Mode, then "Copy ID").`);
  }
  return value;
}

export function loadCoreConfig(env: Env = process.env, cwd = process.cwd()): CoreConfig {
  return { dataDir: path.resolve(cwd, optional(env, 'DATA_DIR') ?? 'data') };
}

export function loadBotConfig(env: Env = process.env, cwd = process.cwd()): BotConfig {
  const token = optional(env, 'DISCORD_TOKEN');
  if (token === undefined) {
    throw new ConfigError(
      'DISCORD_TOKEN is not set. Copy .env.example to .env and put your bot token in DISCORD_TOKEN ' +
        '(Discord Developer Portal → your application → Bot → Reset Token).',
    );
  }
  const logLevel = (optional(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}").`);
  }
  return {
    ...loadCoreConfig(env, cwd),
    token,
    clientId: snowflake(env, 'DISCORD_CLIENT_ID', "your application's id"),
    guildId: snowflake(env, 'DISCORD_GUILD_ID', "your test server's id"),
    sourceBaseUrl: httpUrl(env, 'SOURCE_BASE_URL', 'https://github.com/you/your-sources/blob/main/data'),
    logLevel: logLevel as LogLevel,
    apiUrl: httpUrl(env, 'DISCORD_API_URL', 'http://127.0.0.1:8080/api'),
  };
}
