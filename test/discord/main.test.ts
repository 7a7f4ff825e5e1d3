import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type DiscordEmulator } from './emulator/index.js';
import { option, shown } from './harness.js';

let emulator: DiscordEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
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
  it('exits 1 and says to copy .env.example when DISCORD_TOKEN is missing', async () => {
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
      `Registered 4 commands to guild ${emulator.guildId}: /ask, /sources, /source, "Find in sources" (message menu)\n`,
    );
    expect(emulator.commands.guild.get(emulator.guildId)).toHaveLength(4);
  });

  it('exits 1 when DISCORD_CLIENT_ID is missing', async () => {
    const deploy = run('src/discord/deploy.ts', { DISCORD_TOKEN: emulator.token, DISCORD_API_URL: emulator.apiUrl });
    expect(await deploy.exited).toBe(1);
    expect(deploy.stderr()).toContain('DISCORD_CLIENT_ID is not set');
  });
});
