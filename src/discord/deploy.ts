/**
 * `npm run deploy-commands`: registers the bot's commands with Discord, to one guild when DISCORD_GUILD_ID is set
 * (instant: for a test server), otherwise globally.
 */
import { pathToFileURL } from 'node:url';
import dotenv from 'dotenv';
import {
  ApplicationCommandType,
  DiscordAPIError,
  REST,
  Routes,
  type RESTPutAPIApplicationCommandsResult,
} from 'discord.js';
import { ConfigError, loadBotConfig, type BotConfig } from '../config.js';
import { commandDefinitions } from '../interactions/commands/index.js';

export type DeploySettings = Pick<BotConfig, 'token' | 'clientId' | 'guildId' | 'apiUrl'>;

/** Replaces the application's commands (in the guild, or globally) with the bot's own; returns what Discord stored. */
export async function deployCommands(settings: DeploySettings): Promise<RESTPutAPIApplicationCommandsResult> {
  const { token, clientId, guildId, apiUrl } = settings;
  if (!clientId) {
    throw new ConfigError(
      "DISCORD_CLIENT_ID is not set. Put your application's id in .env " +
        '(Discord Developer Portal → your application → General Information → Application ID).',
    );
  }
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(clientId, guildId) : Routes.applicationCommands(clientId);
  return (await rest.put(route, { body: commandDefinitions })) as RESTPutAPIApplicationCommandsResult;
}

export function describeDeployment(registered: RESTPutAPIApplicationCommandsResult, guildId: string | undefined): string {
  const where = guildId ? `to guild ${guildId}` : 'globally';
  const names = registered.map((command) =>
    command.type === ApplicationCommandType.ChatInput ? `/${command.name}` : `"${command.name}" (message menu)`,
  );
  return `Registered ${registered.length} commands ${where}: ${names.join(', ')}`;
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  try {
    const config = loadBotConfig();
    console.log(describeDeployment(await deployCommands(config), config.guildId));
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof DiscordAPIError && error.status === 401) console.error('Discord rejected DISCORD_TOKEN.');
    else console.error(`Could not register the commands: ${String(error)}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
