import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { rateLimited, startEmulator, type DiscordEmulator, type Exchange } from './emulator/index.js';
import { option, shown } from './harness.js';

let emulator: DiscordEmulator;
/** Where the processes keep their database: never the repository's own .data/. */
let databaseDir: string;

beforeAll(async () => {
  emulator = await startEmulator();
  databaseDir = await mkdtemp(path.join(tmpdir(), 'citebot-main-'));
});

afterAll(async () => {
  await emulator?.close();
  await rm(databaseDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs an entry point as `npm start` would, with every setting given (so that a developer's .env cannot interfere). */
function run(entry: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      PATH: process.env.PATH ?? '',
      DISCORD_TOKEN: '',
      DISCORD_CLIENT_ID: '',
      DISCORD_GUILD_ID: '',
      DISCORD_API_URL: '',
      SOURCE_BASE_URL: '',
      DATA_DIR: 'data',
      LOG_LEVEL: 'info',
      DATABASE_PATH: path.join(databaseDir, 'citebot.sqlite'),
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe('npm start (src/main.ts)', () => {
  it('exits 1 (fix the settings) and says to copy .env.example when DISCORD_TOKEN is missing', async () => {
    const bot = run('src/main.ts', {});
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain('DISCORD_TOKEN is not set. Copy .env.example to .env');
  });

  it('exits 1 with "Discord rejected DISCORD_TOKEN" when Discord refuses the token', async () => {
    const bot = run('src/main.ts', { DISCORD_TOKEN: 'not-the-token', DISCORD_API_URL: emulator.apiUrl });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain('Discord rejected DISCORD_TOKEN');
    expect(bot.stdout() + bot.stderr()).not.toContain('not-the-token');
  });

  it('says in one line what failed and that it tries again when Discord cannot be reached, then exits 1', async () => {
    // Nothing listens on port 9 (discard) here: the connection is refused, as when the network is not up yet.
    const bot = run('src/main.ts', {
      DISCORD_TOKEN: 'a-token',
      DISCORD_API_URL: 'http://127.0.0.1:9/api',
      CONNECT_RETRY_SECONDS: '2',
      SEARCH_MODE: 'lexical',
    });
    expect(await bot.exited).toBe(1);
    expect(bot.stdout()).toMatch(/Discord cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:9\): trying again in 1 s/);
    expect(bot.stderr()).toMatch(/^Could not reach Discord for 2 s \(connect ECONNREFUSED 127\.0\.0\.1:9\)\. Check/);
    expect(bot.stdout() + bot.stderr()).not.toMatch(/uncaught|at .*\.ts:\d+/);
  });

  it('answers, then shuts down cleanly on SIGTERM', async () => {
    const bot = run('src/main.ts', { DISCORD_TOKEN: emulator.token, DISCORD_API_URL: emulator.apiUrl });
    await expect.poll(bot.stdout, { timeout: 10_000 }).toContain('connected to Discord');
    const response = await (await emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')])).response();
    expect(shown(response.data.embeds[0])).toContain('Laura Watson');

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stdout()).toContain('"msg":"shutting down"');
    expect(bot.stdout()).not.toContain(emulator.token);
  });
});

describe('a database that cannot be used', () => {
  it.each([
    ['corrupt', 'file is not a database'],
    ['unwritable', 'its folder .* cannot be made: EEXIST'],
  ])('(%s) is one clear warning at start, and the bot still answers', async (kind, reason) => {
    const databasePath = await (async () => {
      if (kind === 'corrupt') {
        const corrupt = path.join(databaseDir, 'corrupt.sqlite');
        await writeFile(corrupt, 'not a database at all, only text where a database should be\n'.repeat(200));
        return corrupt;
      }
      // A folder that cannot be made, whoever runs the test (even root): its parent is a file.
      const blocker = path.join(databaseDir, 'a-file');
      await writeFile(blocker, '');
      return path.join(blocker, 'citebot.sqlite');
    })();
    const bot = run('src/main.ts', { DISCORD_TOKEN: emulator.token, DISCORD_API_URL: emulator.apiUrl, DATABASE_PATH: databasePath });
    try {
      await expect.poll(bot.stdout, { timeout: 10_000 }).toContain('connected to Discord');
      const warnings = bot.stdout().split('\n').filter((line) => line.includes('cannot be used'));
      expect(warnings).toHaveLength(1);
      const warning = JSON.parse(warnings[0] as string) as { level: number; msg: string };
      expect(warning.level).toBe(40);
      expect(warning.msg).toMatch(new RegExp(`^The database .* cannot be used \\(${reason}\\)\\. The bot answers questions as usual`));
      const response = await (await emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')])).response();
      expect(shown(response.data.embeds[0])).toContain('Laura Watson');
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exited;
    }
    expect(bot.stdout() + bot.stderr()).not.toMatch(/uncaught|at .*\.ts:\d+/);
  });
});

describe('the token', () => {
  it('is never written, nor any interaction token, at LOG_LEVEL=debug, errors and faults included', async () => {
    const bot = run('src/main.ts', {
      DISCORD_TOKEN: emulator.token,
      DISCORD_API_URL: emulator.apiUrl,
      LOG_LEVEL: 'debug',
      ANSWER_LIMIT: '0',
    });
    await expect.poll(bot.stdout, { timeout: 10_000 }).toContain('connected to Discord');
    const { moderator, admin } = emulator.users;
    const callback = { method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback$/ };
    const exchanges: Exchange[] = [];
    const act = async (dispatched: Promise<Exchange>): Promise<Exchange> => {
      const exchange = await dispatched;
      exchanges.push(exchange);
      return exchange;
    };
    const ask = () => act(emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]));

    const answered = await ask();
    await answered.response();
    emulator.failNext(callback, { status: 400, body: { code: 50035, message: 'Invalid Form Body' } });
    await (await ask()).response();
    emulator.failNext(callback, { status: 500, body: { message: '500: Internal Server Error', code: 0 } }, 4);
    await (await ask()).response();
    emulator.failNext({ method: 'PATCH', path: /\/messages\/@original$/ }, rateLimited(0.1));
    await (await act(emulator.button(answered.replyMessage() as APIMessage, 'pin', { as: moderator }))).waitForCalls(2);
    await act(emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')], { expired: true }));
    await emulator.dispatchRaw({ id: '1300000000000000009', type: 2, token: 'a-malformed-interaction-token', data: { name: 'ask', type: 1 } });
    await (await act(emulator.slashCommand('reindex', [], { as: admin }))).waitForCalls(2);
    emulator.closeGateway(4000);
    await emulator.waitForReady();
    await (await ask()).response();
    await expect.poll(() => exchanges.every((exchange) => bot.stdout().includes(`"id":"${exchange.interactionId}"`))).toBe(true);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);

    const output = bot.stdout() + bot.stderr();
    for (const seen of ['"level":20', '"msg":"interaction failed"', 'rate limiting', 'expired or was answered', 'gateway session resumed']) {
      expect(output).toContain(seen);
    }
    // A token is the bot's id (public) in base64, a timestamp and an HMAC: the last two are the secret.
    const [, ...secretParts] = emulator.token.split('.');
    const secrets = [emulator.token, ...secretParts, 'a-malformed-interaction-token', ...exchanges.map((exchange) => exchange.token)];
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});

describe('npm run deploy-commands (src/discord/deploy.ts)', () => {
  it('registers the commands and says what it registered', async () => {
    const deploy = run('src/discord/deploy.ts', {
      DISCORD_TOKEN: emulator.token,
      DISCORD_CLIENT_ID: emulator.applicationId,
      DISCORD_GUILD_ID: emulator.guildId,
      DISCORD_API_URL: emulator.apiUrl,
    });
    expect(await deploy.exited).toBe(0);
    expect(deploy.stdout()).toBe(
      `Registered 6 commands to guild ${emulator.guildId}: /ask, /sources, /source, /reindex, /gaps, "Find in sources" (message menu)\n`,
    );
    expect(emulator.commands.guild.get(emulator.guildId)).toHaveLength(6);
  });

  it('exits 1 when DISCORD_CLIENT_ID is missing', async () => {
    const deploy = run('src/discord/deploy.ts', { DISCORD_TOKEN: emulator.token, DISCORD_API_URL: emulator.apiUrl });
    expect(await deploy.exited).toBe(1);
    expect(deploy.stderr()).toContain('DISCORD_CLIENT_ID is not set');
  });
});
