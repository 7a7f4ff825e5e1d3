import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_FUSION,
  DEFAULT_SEARCH_MODE,
  FUSION_METHODS,
  SEARCH_MODES,
  type FusionMethod,
  type FusionSettings,
  type SearchMode,
} from './semantic/hybrid.js';

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
  /** How answers are ranked (see README, "How answers are found"). */
  readonly search: SearchSettings;
  /**
   * WEB_REFRESH_MINUTES, in milliseconds: how often the web pages listed in `*.urls` files are fetched again (with
   * conditional requests), besides on every reload; 0 fetches them only on reloads and at start. Default 60 minutes,
   * range 0–10,080 (a week).
   */
  readonly webRefreshMs: number;
}

export interface SearchSettings {
  /** SEARCH_MODE: `lexical`, or `hybrid` (words and meaning; lexical until every passage has its vectors). */
  readonly mode: SearchMode;
  /** HYBRID_FUSION (`interpolation` or `rrf`) and HYBRID_LEXICAL_WEIGHT (0–1, for interpolation). */
  readonly fusion: FusionSettings;
}

/** What the bot keeps beyond a restart (src/store/): tracked pins, unanswered questions, votes. */
export interface StorageSettings {
  /** DATABASE_PATH: the SQLite file, absolute; default `.data/citebot.sqlite` (outside the data folder, ignored by git). */
  readonly databasePath: string;
  /** RECORD_QUESTIONS (1 or 0, default 1): whether questions the sources did not answer are recorded for /gaps. */
  readonly recordQuestions: boolean;
  /** RECORD_DAYS: how long a recorded question is kept, in days; default 30, range 1–3,650. */
  readonly recordDays: number;
  /**
   * PIN_CLAIM_SECONDS, in milliseconds: how long an instance's claim on a pinned answer it is editing lasts. When an
   * instance dies in the middle of its edits, another takes its pins over after this long; it must be longer than an
   * edit can wait in Discord's rate limits. Default 60 s, range 5–3,600 s.
   */
  readonly pinClaimMs?: number;
  /** Set with DATABASE_URL: PostgreSQL instead of the SQLite file, shared by several instances. */
  readonly postgres?: PostgresSettings;
}

export const DEFAULT_DATABASE_PATH = '.data/citebot.sqlite';
export const DEFAULT_RECORD_DAYS = 30;
export const DEFAULT_PIN_CLAIM_SECONDS = 60;

/** Settings of the Discord bot. */
export interface BotConfig extends CoreConfig {
  /** DISCORD_TOKEN: the bot's token. Never logged. */
  readonly token: string;
  /** DISCORD_CLIENT_ID: the application id, needed to register commands. */
  readonly clientId: string | undefined;
  /** DISCORD_GUILD_ID: register commands to this guild only (instant; for a test server). */
  readonly guildId: string | undefined;
  /**
   * SOURCE_BASE_URL: when set, citations link to `${SOURCE_BASE_URL}/${file}`, at the passage's page (`#page=12`),
   * heading (`#install`) or lines (`#L40-L52`) as its format allows (src/answer/citation.ts). Unset: no links, but
   * for web pages and saved pages, which link to their own address.
   */
  readonly sourceBaseUrl: string | undefined;
  /** LOG_LEVEL: pino level, default `info`. */
  readonly logLevel: LogLevel;
  /** DISCORD_API_URL: REST base such as `http://127.0.0.1:PORT/api` (a proxy or a local Discord API). */
  readonly apiUrl: string | undefined;
  /** ANSWER_LIMIT per ANSWER_LIMIT_SECONDS: how many answers a member gets in a while; undefined when ANSWER_LIMIT is 0. */
  readonly answerCooldown: AnswerCooldownSettings | undefined;
  /** RELOAD_DEBOUNCE_MS: quiet time after a change in the data folder before the sources are read again. */
  readonly reloadDebounceMs: number;
  /** CONNECT_RETRY_SECONDS: how long start-up keeps trying to reach Discord (and the database) before it gives up. */
  readonly connectRetrySeconds: number;
  /**
   * SHARDS: the shard ids of this process, set by discord.js's ShardingManager (`npm run start:sharded`) in the
   * processes it starts; undefined when the bot runs alone and asks Discord how many shards to run.
   */
  readonly managedShards: readonly number[] | undefined;
  readonly storage: StorageSettings;
}

/** Settings of `npm run serve`: the HTTP server (interactions endpoint, playground, JSON API, metrics). */
export interface ServeConfig extends CoreConfig {
  /** HOST: the address to listen on, default 127.0.0.1 (this machine only); 0.0.0.0 for every interface. */
  readonly host: string;
  /** PORT: the port to listen on, 0–65535, default 8080; 0 takes any free port (the log says which). */
  readonly port: number;
  /**
   * DISCORD_PUBLIC_KEY: the application's public key (64 hex digits), which Discord's requests to the interactions
   * endpoint are signed with. Unset: no /interactions route; the playground and the API still run.
   */
  readonly publicKey: string | undefined;
  /** DISCORD_TOKEN: the bot's token, for pins; required with DISCORD_PUBLIC_KEY. Never logged. */
  readonly token: string | undefined;
  readonly sourceBaseUrl: string | undefined;
  readonly logLevel: LogLevel;
  /** DISCORD_API_URL: as for the bot; follow-ups, edits and pins go there. */
  readonly apiUrl: string | undefined;
  readonly answerCooldown: AnswerCooldownSettings | undefined;
  readonly reloadDebounceMs: number;
  /**
   * HTTP_RATE_LIMIT requests per HTTP_RATE_LIMIT_SECONDS from one address, on the playground and /api (not on
   * /interactions, which only Discord calls); undefined when HTTP_RATE_LIMIT is 0.
   */
  readonly rateLimit: RateLimitSettings | undefined;
  readonly storage: StorageSettings;
}

/**
 * PostgreSQL, when several instances share one state (DATABASE_URL); without it, the state is in SQLite in one file.
 */
export interface PostgresSettings {
  /** DATABASE_URL: `postgres://user:password@host:5432/database`. Never logged whole: the password stays out. */
  readonly url: string;
  /** DATABASE_POOL_SIZE: connections each instance keeps open to it, 1–100, default 10. */
  readonly poolSize: number;
  /** CONNECT_RETRY_SECONDS: how long start-up keeps trying to reach it before giving up. */
  readonly connectRetrySeconds: number;
}

export const DEFAULT_DATABASE_POOL_SIZE = 10;

/** At most `requests` requests per address in each `windowSeconds`. */
export interface RateLimitSettings {
  readonly requests: number;
  readonly windowSeconds: number;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_HTTP_RATE_LIMIT = 60;
export const DEFAULT_HTTP_RATE_LIMIT_SECONDS = 60;

/** At most `answers` answers per member in any `windowMs`. */
export interface AnswerCooldownSettings {
  readonly answers: number;
  readonly windowMs: number;
}

export const DEFAULT_ANSWER_LIMIT = 5;
export const DEFAULT_ANSWER_LIMIT_SECONDS = 10;
export const DEFAULT_RELOAD_DEBOUNCE_MS = 500;
export const DEFAULT_CONNECT_RETRY_SECONDS = 120;
export const DEFAULT_WEB_REFRESH_MINUTES = 60;

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

function integer(env: Env, key: string, fallback: number, min: number, max: number, meaning: string): number {
  const value = optional(env, key);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${key} must be a whole number from ${min} to ${max}: ${meaning} (got "${value}").`);
  }
  return Number(value);
}

function answerCooldown(env: Env): AnswerCooldownSettings | undefined {
  const answers = integer(env, 'ANSWER_LIMIT', DEFAULT_ANSWER_LIMIT, 0, 1000, 'answers per member, 0 for no limit');
  const seconds = integer(env, 'ANSWER_LIMIT_SECONDS', DEFAULT_ANSWER_LIMIT_SECONDS, 1, 3600, 'the time they are counted over');
  return answers === 0 ? undefined : { answers, windowMs: seconds * 1000 };
}

function managedShards(env: Env): readonly number[] | undefined {
  const value = optional(env, 'SHARDS');
  if (value === undefined) return undefined;
  let ids: unknown;
  try {
    ids = JSON.parse(value);
  } catch {
    ids = undefined;
  }
  const list = Array.isArray(ids) ? ids : [ids];
  if (list.length === 0 || !list.every((id) => Number.isInteger(id) && id >= 0)) {
    throw new ConfigError(
      `SHARDS is set by \`npm run start:sharded\` for the processes it starts and must be a shard id (got "${value}"). ` +
        'Remove it from .env and the environment.',
    );
  }
  return list as number[];
}

function flag(env: Env, key: string, fallback: boolean, meaning: string): boolean {
  const value = optional(env, key);
  if (value === undefined) return fallback;
  if (value !== '0' && value !== '1') throw new ConfigError(`${key} must be 1 or 0: ${meaning} (got "${value}").`);
  return value === '1';
}

export function loadStorageSettings(env: Env = process.env, cwd = process.cwd()): StorageSettings {
  return {
    databasePath: path.resolve(cwd, optional(env, 'DATABASE_PATH') ?? DEFAULT_DATABASE_PATH),
    recordQuestions: flag(env, 'RECORD_QUESTIONS', true, '1 records the questions the sources did not answer, 0 does not'),
    recordDays: integer(env, 'RECORD_DAYS', DEFAULT_RECORD_DAYS, 1, 3650, 'days a recorded question is kept'),
    pinClaimMs: integer(env, 'PIN_CLAIM_SECONDS', DEFAULT_PIN_CLAIM_SECONDS, 5, 3600, 'seconds a claim on a pinned answer lasts') * 1000,
    postgres: postgres(env),
  };
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const value = (optional(env, key) ?? fallback).toLowerCase();
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')} (got "${value}").`);
  }
  return value as T;
}

function searchSettings(env: Env): SearchSettings {
  const weight = optional(env, 'HYBRID_LEXICAL_WEIGHT');
  if (weight !== undefined && !(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(weight))) {
    throw new ConfigError(
      'HYBRID_LEXICAL_WEIGHT must be a number from 0 (meaning only) to 1 (words only), ' +
        `such as ${DEFAULT_FUSION.lexicalWeight} (got "${weight}").`,
    );
  }
  return {
    mode: oneOf<SearchMode>(env, 'SEARCH_MODE', SEARCH_MODES, DEFAULT_SEARCH_MODE),
    fusion: {
      method: oneOf<FusionMethod>(env, 'HYBRID_FUSION', FUSION_METHODS, DEFAULT_FUSION.method),
      lexicalWeight: weight === undefined ? DEFAULT_FUSION.lexicalWeight : Number(weight),
    },
  };
}

/** A search mode named on a command line (`--mode`), else the configured one. */
export function searchModeOption(value: string | undefined, configured: SearchMode): SearchMode {
  const mode = SEARCH_MODES.find((known) => known === (value ?? configured));
  if (mode === undefined) throw new ConfigError(`--mode takes ${SEARCH_MODES.join(' or ')} (got "${value}").`);
  return mode;
}

export function loadCoreConfig(env: Env = process.env, cwd = process.cwd()): CoreConfig {
  const webRefreshMinutes = integer(
    env,
    'WEB_REFRESH_MINUTES',
    DEFAULT_WEB_REFRESH_MINUTES,
    0,
    10_080,
    'minutes between fetches of the listed web pages, 0 for only on reloads',
  );
  return {
    dataDir: path.resolve(cwd, optional(env, 'DATA_DIR') ?? 'data'),
    search: searchSettings(env),
    webRefreshMs: webRefreshMinutes * 60_000,
  };
}

function connectRetrySeconds(env: Env): number {
  return integer(
    env,
    'CONNECT_RETRY_SECONDS',
    DEFAULT_CONNECT_RETRY_SECONDS,
    0,
    3600,
    'seconds to keep trying to reach Discord and the database at start-up',
  );
}

function postgres(env: Env): PostgresSettings | undefined {
  const url = optional(env, 'DATABASE_URL');
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !['postgres:', 'postgresql:'].includes(parsed.protocol) || parsed.hostname === '') {
    throw new ConfigError(
      'DATABASE_URL must be a PostgreSQL address such as postgres://citebot:secret@127.0.0.1:5432/citebot, ' +
        'or empty to keep the data in SQLite (DATABASE_PATH).',
    );
  }
  return {
    url,
    poolSize: integer(env, 'DATABASE_POOL_SIZE', DEFAULT_DATABASE_POOL_SIZE, 1, 100, 'connections to PostgreSQL per instance'),
    connectRetrySeconds: connectRetrySeconds(env),
  };
}

/** Where a database is, for the log and for messages: its address without the user name and password. */
export function databaseLocation(url: string): string {
  const { host, pathname } = new URL(url);
  return `${host}${pathname}`;
}

function logLevel(env: Env): LogLevel {
  const level = (optional(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${level}").`);
  }
  return level as LogLevel;
}

function rateLimit(env: Env): RateLimitSettings | undefined {
  const requests = integer(env, 'HTTP_RATE_LIMIT', DEFAULT_HTTP_RATE_LIMIT, 0, 100_000, 'requests per address, 0 for no limit');
  const windowSeconds = integer(env, 'HTTP_RATE_LIMIT_SECONDS', DEFAULT_HTTP_RATE_LIMIT_SECONDS, 1, 3600, 'the time they are counted over');
  return requests === 0 ? undefined : { requests, windowSeconds };
}

const HEX_KEY = /^[0-9a-f]{64}$/i;

export function loadServeConfig(env: Env = process.env, cwd = process.cwd()): ServeConfig {
  const publicKey = optional(env, 'DISCORD_PUBLIC_KEY');
  if (publicKey !== undefined && !HEX_KEY.test(publicKey)) {
    throw new ConfigError(
      'DISCORD_PUBLIC_KEY must be 64 hexadecimal digits (Discord Developer Portal → your application → ' +
        'General Information → Public Key), or empty to run without the interactions endpoint.',
    );
  }
  const token = optional(env, 'DISCORD_TOKEN');
  if (publicKey !== undefined && token === undefined) {
    throw new ConfigError(
      'DISCORD_TOKEN is not set: with DISCORD_PUBLIC_KEY the server answers Discord and needs the bot token to pin ' +
        '(Discord Developer Portal → your application → Bot → Reset Token).',
    );
  }
  const host = optional(env, 'HOST') ?? DEFAULT_HOST;
  if (/\s|\/|^\[|\]$/.test(host)) {
    throw new ConfigError(`HOST must be an address or host name such as ${DEFAULT_HOST} or 0.0.0.0 (got "${host}").`);
  }
  return {
    ...loadCoreConfig(env, cwd),
    host,
    port: integer(env, 'PORT', DEFAULT_PORT, 0, 65_535, 'the port to listen on, 0 for any free one'),
    publicKey,
    token,
    sourceBaseUrl: httpUrl(env, 'SOURCE_BASE_URL', 'https://github.com/you/your-sources/blob/main/data'),
    logLevel: logLevel(env),
    apiUrl: httpUrl(env, 'DISCORD_API_URL', 'http://127.0.0.1:8080/api'),
    answerCooldown: answerCooldown(env),
    reloadDebounceMs: integer(env, 'RELOAD_DEBOUNCE_MS', DEFAULT_RELOAD_DEBOUNCE_MS, 0, 60_000, 'milliseconds'),
    rateLimit: rateLimit(env),
    storage: loadStorageSettings(env, cwd),
  };
}

export function loadBotConfig(env: Env = process.env, cwd = process.cwd()): BotConfig {
  const token = optional(env, 'DISCORD_TOKEN');
  // With a .env in place, the token was left out of it or left empty there: copying .env.example would not help.
  if (token === undefined && existsSync(path.join(cwd, '.env'))) {
    throw new ConfigError(
      'DISCORD_TOKEN is empty. Put your bot token after DISCORD_TOKEN= in .env ' +
        '(Discord Developer Portal → your application → Bot → Reset Token).',
    );
  }
  if (token === undefined) {
    throw new ConfigError(
      'DISCORD_TOKEN is not set. Copy .env.example to .env and put your bot token in DISCORD_TOKEN ' +
        '(Discord Developer Portal → your application → Bot → Reset Token).',
    );
  }
  return {
    ...loadCoreConfig(env, cwd),
    token,
    clientId: snowflake(env, 'DISCORD_CLIENT_ID', "your application's id"),
    guildId: snowflake(env, 'DISCORD_GUILD_ID', "your test server's id"),
    sourceBaseUrl: httpUrl(env, 'SOURCE_BASE_URL', 'https://github.com/you/your-sources/blob/main/data'),
    logLevel: logLevel(env),
    apiUrl: httpUrl(env, 'DISCORD_API_URL', 'http://127.0.0.1:8080/api'),
    answerCooldown: answerCooldown(env),
    reloadDebounceMs: integer(env, 'RELOAD_DEBOUNCE_MS', DEFAULT_RELOAD_DEBOUNCE_MS, 0, 60_000, 'milliseconds'),
    connectRetrySeconds: connectRetrySeconds(env),
    managedShards: managedShards(env),
    storage: loadStorageSettings(env, cwd),
  };
}
