import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig, loadCoreConfig, loadServeConfig } from '../src/config.js';
import { DEFAULT_FUSION, DEFAULT_SEARCH_MODE } from '../src/semantic/hybrid.js';

const TOKEN = { DISCORD_TOKEN: 'a-token' };

describe('fair use settings', () => {
  it('give each member 5 answers per 10 s unless told otherwise', () => {
    expect(loadBotConfig(TOKEN).answerCooldown).toEqual({ answers: 5, windowMs: 10_000 });
    expect(loadBotConfig({ ...TOKEN, ANSWER_LIMIT: '3', ANSWER_LIMIT_SECONDS: '60' }).answerCooldown).toEqual({
      answers: 3,
      windowMs: 60_000,
    });
  });

  it('are off with ANSWER_LIMIT=0', () => {
    expect(loadBotConfig({ ...TOKEN, ANSWER_LIMIT: '0' }).answerCooldown).toBeUndefined();
  });

  it('say what is wrong with a value that is not a whole number in range', () => {
    for (const [key, value] of [
      ['ANSWER_LIMIT', 'five'],
      ['ANSWER_LIMIT', '-1'],
      ['ANSWER_LIMIT', '2.5'],
      ['ANSWER_LIMIT_SECONDS', '0'],
      ['ANSWER_LIMIT_SECONDS', '86400'],
      ['RELOAD_DEBOUNCE_MS', 'soon'],
    ] as const) {
      expect(() => loadBotConfig({ ...TOKEN, [key]: value })).toThrow(ConfigError);
      expect(() => loadBotConfig({ ...TOKEN, [key]: value })).toThrow(new RegExp(`^${key} must be a whole number from \\d+ to \\d+: .*\\(got "${value}"\\)\\.$`));
    }
  });
});

describe('reload settings', () => {
  it('wait 500 ms after the last change by default', () => {
    expect(loadBotConfig(TOKEN).reloadDebounceMs).toBe(500);
    expect(loadBotConfig({ ...TOKEN, RELOAD_DEBOUNCE_MS: '2000' }).reloadDebounceMs).toBe(2000);
  });
});

describe('what the bot keeps', () => {
  it('is a SQLite file under .data/, recording unanswered questions for 30 days, unless told otherwise', () => {
    expect(loadBotConfig(TOKEN, '/srv/citebot').storage).toEqual({
      databasePath: '/srv/citebot/.data/citebot.sqlite',
      recordQuestions: true,
      recordDays: 30,
      pinClaimMs: 60_000,
    });
    expect(
      loadServeConfig({ DATABASE_PATH: 'state/bot.sqlite', RECORD_QUESTIONS: '0', RECORD_DAYS: '7' }, '/srv/citebot').storage,
    ).toEqual({ databasePath: '/srv/citebot/state/bot.sqlite', recordQuestions: false, recordDays: 7, pinClaimMs: 60_000 });
  });

  it('says what to set when RECORD_QUESTIONS or RECORD_DAYS is wrong', () => {
    expect(() => loadBotConfig({ ...TOKEN, RECORD_QUESTIONS: 'yes' })).toThrow(
      /^RECORD_QUESTIONS must be 1 or 0: 1 records the questions the sources did not answer, 0 does not \(got "yes"\)\.$/,
    );
    expect(() => loadBotConfig({ ...TOKEN, RECORD_DAYS: '0' })).toThrow(/^RECORD_DAYS must be a whole number from 1 to 3650: days a recorded question is kept \(got "0"\)\.$/);
  });
});

describe('several instances on one PostgreSQL', () => {
  it('takes DATABASE_URL with a pool of 10 connections, or DATABASE_POOL_SIZE', () => {
    const url = 'postgres://citebot:secret@db.internal:5432/citebot';
    expect(loadServeConfig({ DATABASE_URL: url }).storage.postgres).toEqual({ url, poolSize: 10, connectRetrySeconds: 120 });
    expect(loadBotConfig({ ...TOKEN, DATABASE_URL: url, DATABASE_POOL_SIZE: '3', CONNECT_RETRY_SECONDS: '5' }).storage.postgres).toEqual({
      url,
      poolSize: 3,
      connectRetrySeconds: 5,
    });
    expect(loadServeConfig({ DATABASE_URL: '' }).storage.postgres).toBeUndefined();
  });

  it('says what to set when DATABASE_URL is not a PostgreSQL address, or the pool size is out of range', () => {
    for (const wrong of ['mysql://localhost/citebot', 'citebot.sqlite', 'postgres://']) {
      expect(() => loadServeConfig({ DATABASE_URL: wrong })).toThrow(
        /^DATABASE_URL must be a PostgreSQL address such as postgres:\/\/citebot:secret@127\.0\.0\.1:5432\/citebot, or empty to keep the data in SQLite \(DATABASE_PATH\)\.$/,
      );
    }
    expect(() => loadServeConfig({ DATABASE_URL: 'postgres://db/citebot', DATABASE_POOL_SIZE: '0' })).toThrow(/^DATABASE_POOL_SIZE must be a whole number from 1 to 100/);
  });
});

describe('shards given by the sharding manager', () => {
  it('are read from SHARDS, as discord.js sets it for the processes it starts', () => {
    expect(loadBotConfig(TOKEN).managedShards).toBeUndefined();
    expect(loadBotConfig({ ...TOKEN, SHARDS: '3' }).managedShards).toEqual([3]);
    expect(loadBotConfig({ ...TOKEN, SHARDS: '[0,1]' }).managedShards).toEqual([0, 1]);
    expect(() => loadBotConfig({ ...TOKEN, SHARDS: 'all' })).toThrow(/^SHARDS is set by `npm run start:sharded`/);
  });
});

describe('search settings', () => {
  it('search by words and meaning unless told otherwise, with the measured fusion', () => {
    expect(loadCoreConfig({}).search).toEqual({ mode: DEFAULT_SEARCH_MODE, fusion: DEFAULT_FUSION });
    expect(loadCoreConfig({ SEARCH_MODE: 'Lexical' }).search.mode).toBe('lexical');
    expect(loadCoreConfig({ HYBRID_FUSION: 'rrf', HYBRID_LEXICAL_WEIGHT: '0.7' }).search.fusion).toEqual({
      method: 'rrf',
      lexicalWeight: 0.7,
    });
    expect(loadCoreConfig({ HYBRID_LEXICAL_WEIGHT: '1' }).search.fusion.lexicalWeight).toBe(1);
  });

  it('say what is wrong with a mode, a fusion or a weight they do not know', () => {
    expect(() => loadCoreConfig({ SEARCH_MODE: 'semantic' })).toThrow(/^SEARCH_MODE must be one of lexical, hybrid \(got "semantic"\)\.$/);
    expect(() => loadCoreConfig({ HYBRID_FUSION: 'sum' })).toThrow(/^HYBRID_FUSION must be one of interpolation, rrf/);
    for (const weight of ['1.5', '-0.2', 'half']) {
      expect(() => loadCoreConfig({ HYBRID_LEXICAL_WEIGHT: weight })).toThrow(/^HYBRID_LEXICAL_WEIGHT must be a number from 0/);
    }
  });
});

describe('the bot token', () => {
  it('says to copy .env.example when there is no .env, and that it is empty when .env leaves it empty', async () => {
    const { dataFolder } = await import('./helpers.js');
    const withoutEnvFile = await dataFolder({});
    expect(() => loadBotConfig({ DISCORD_TOKEN: '' }, withoutEnvFile)).toThrow(/DISCORD_TOKEN is not set\. Copy \.env\.example to \.env/);
    const withEnvFile = await dataFolder({ '.env': 'DISCORD_TOKEN=\n' });
    expect(() => loadBotConfig({ DISCORD_TOKEN: '' }, withEnvFile)).toThrow(/DISCORD_TOKEN is empty\. Put your bot token after DISCORD_TOKEN= in \.env/);
  });
});

describe('reaching Discord at start-up', () => {
  it('keeps trying for 120 s unless CONNECT_RETRY_SECONDS says otherwise, and refuses a value out of range', () => {
    expect(loadBotConfig(TOKEN).connectRetrySeconds).toBe(120);
    expect(loadBotConfig({ ...TOKEN, CONNECT_RETRY_SECONDS: '0' }).connectRetrySeconds).toBe(0);
    expect(() => loadBotConfig({ ...TOKEN, CONNECT_RETRY_SECONDS: '5000' })).toThrow(/^CONNECT_RETRY_SECONDS must be a whole number from 0 to 3600/);
  });
});

describe('web page settings', () => {
  it('fetch listed pages again every 60 minutes unless told otherwise; 0 only on reloads', () => {
    expect(loadCoreConfig({}).webRefreshMs).toBe(3_600_000);
    expect(loadCoreConfig({ WEB_REFRESH_MINUTES: '15' }).webRefreshMs).toBe(900_000);
    expect(loadCoreConfig({ WEB_REFRESH_MINUTES: '0' }).webRefreshMs).toBe(0);
    expect(() => loadCoreConfig({ WEB_REFRESH_MINUTES: 'hourly' })).toThrow(/^WEB_REFRESH_MINUTES must be a whole number from 0 to 10080/);
  });
});

describe('npm run serve settings', () => {
  const KEY = 'a'.repeat(64);

  it('listen on 127.0.0.1:8080, without the interactions endpoint, with no token or .env needed', () => {
    const config = loadServeConfig({}, '/nonexistent');
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, publicKey: undefined, token: undefined });
    expect(config.rateLimit).toEqual({ requests: 60, windowSeconds: 60 });
  });

  it('take HOST, PORT (0 for any free port) and the rate limit (0 for none)', () => {
    const config = loadServeConfig({ HOST: '0.0.0.0', PORT: '0', HTTP_RATE_LIMIT: '0' });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 0, rateLimit: undefined });
    expect(() => loadServeConfig({ PORT: '70000' })).toThrow(/^PORT must be a whole number from 0 to 65535/);
    expect(() => loadServeConfig({ HOST: 'http://example.org' })).toThrow(/^HOST must be an address/);
  });

  it('need the bot token with DISCORD_PUBLIC_KEY, and a key of 64 hex digits', () => {
    expect(loadServeConfig({ DISCORD_PUBLIC_KEY: KEY, DISCORD_TOKEN: 't' }).publicKey).toBe(KEY);
    expect(() => loadServeConfig({ DISCORD_PUBLIC_KEY: KEY })).toThrow(/^DISCORD_TOKEN is not set: with DISCORD_PUBLIC_KEY/);
    expect(() => loadServeConfig({ DISCORD_PUBLIC_KEY: 'abc', DISCORD_TOKEN: 't' })).toThrow(/^DISCORD_PUBLIC_KEY must be 64 hexadecimal digits/);
  });
});
