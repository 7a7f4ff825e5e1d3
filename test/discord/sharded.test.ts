import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type DiscordEmulator } from './emulator/index.js';
import { option, shown } from './harness.js';

let emulator: DiscordEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ shards: 2 });
});

afterAll(async () => {
  await emulator?.close();
});

/** `npm run start:sharded`, from the sources, with every setting given so that a developer's .env cannot interfere. */
function startSharded(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/shard.ts'], {
    env: { ...emulator.botEnvironment('data'), ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exited };
}

describe('npm run start:sharded (src/shard.ts)', () => {
  it('runs one process per shard Discord recommends, and answers interactions arriving on either', async () => {
    const sharded = startSharded({});
    try {
      const connected = () => sharded.output().split('\n').filter((line) => line.includes('"msg":"connected to Discord"'));
      await expect.poll(() => connected().length, { timeout: 20_000 }).toBe(2);
      expect(connected().map((line) => JSON.parse(line).shards).sort()).toEqual([[0], [1]]);
      await expect.poll(sharded.output).toContain('"msg":"every shard started"');
      await emulator.waitForReady();

      for (const shard of [0, 1]) {
        const exchange = await emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')], { shard });
        expect(shown((await exchange.response()).data.embeds[0])).toContain('Laura Watson');
      }
    } finally {
      sharded.child.kill('SIGTERM');
    }
    expect(await sharded.exited).toBe(0);
    expect(sharded.output().split('\n').filter((line) => line.includes('"msg":"shutting down"'))).toHaveLength(2);
    expect(sharded.output()).not.toContain(emulator.token);
  });

  it('stops every shard with status 1 when a shard finds its settings wrong', async () => {
    const sharded = startSharded({ DATA_DIR: 'no-such-folder' });
    expect(await sharded.exited).toBe(1);
    expect(sharded.output()).toContain('The data folder');
    expect(sharded.output()).toContain('the settings must be fixed');
  });

  it('exits 1 before starting any shard when Discord rejects the token', async () => {
    const sharded = startSharded({ DISCORD_TOKEN: 'not-the-token' });
    expect(await sharded.exited).toBe(1);
    expect(sharded.output()).toContain('Discord rejected DISCORD_TOKEN');
    expect(sharded.output()).not.toContain('not-the-token');
  });
});
