import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { commandDefinitions } from '../../src/interactions/commands/index.js';
import { deployCommands, describeDeployment } from '../../src/discord/deploy.js';
import { startEmulator, type DiscordEmulator } from './emulator/index.js';

let emulator: DiscordEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

function settings(guildId: string | undefined) {
  return { token: emulator.token, clientId: emulator.applicationId, guildId, apiUrl: emulator.apiUrl };
}

describe('deploy-commands', () => {
  it('registers /ask, /sources, /source, /reindex, /gaps and "Find in sources" to the guild when one is set', async () => {
    const registered = await deployCommands(settings(emulator.guildId));
    const stored = emulator.commands.guild.get(emulator.guildId) ?? [];
    expect(stored.map(({ name, type }) => [name, type])).toEqual([
      ['ask', 1],
      ['sources', 1],
      ['source', 1],
      ['reindex', 1],
      ['gaps', 1],
      ['Find in sources', 3],
    ]);
    expect(emulator.commands.global).toEqual([]);
    expect(describeDeployment(registered, emulator.guildId)).toBe(
      `Registered 6 commands to guild ${emulator.guildId}: /ask, /sources, /source, /reindex, /gaps, "Find in sources" (message menu)`,
    );
  });

  it('registers them globally otherwise, replacing what was there', async () => {
    await deployCommands(settings(undefined));
    await deployCommands(settings(undefined));
    expect(emulator.commands.global.map(({ name }) => name)).toEqual(['ask', 'sources', 'source', 'reindex', 'gaps', 'Find in sources']);
  });

  it('declares autocomplete on the question and the file, and works in servers only', () => {
    const ask = commandDefinitions.find(({ name }) => name === 'ask') as { options: { name: string; autocomplete?: boolean }[] };
    expect(ask.options.map(({ name, autocomplete }) => [name, autocomplete ?? false])).toEqual([
      ['question', true],
      ['hide', false],
      ['mention', false],
    ]);
    for (const definition of commandDefinitions) expect(definition.contexts).toEqual([0]);
  });

  it('offers /reindex and /gaps to administrators only, unless a server opens them to a role', () => {
    const byName = new Map(commandDefinitions.map((definition) => [definition.name, definition]));
    expect(byName.get('reindex')?.default_member_permissions).toBe('0');
    expect(byName.get('gaps')?.default_member_permissions).toBe('0');
    for (const name of ['ask', 'sources', 'source', 'Find in sources']) {
      expect(byName.get(name)?.default_member_permissions ?? null).toBeNull();
    }
  });

  it('asks for DISCORD_CLIENT_ID when it is missing', async () => {
    await expect(deployCommands({ ...settings(undefined), clientId: undefined })).rejects.toThrow(ConfigError);
    await expect(deployCommands({ ...settings(undefined), clientId: undefined })).rejects.toThrow(/DISCORD_CLIENT_ID is not set/);
  });
});
