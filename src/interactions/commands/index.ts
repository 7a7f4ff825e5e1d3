import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { MessageCommand, SlashCommand } from '../context.js';
import ask from './ask.js';
import findInSources from './find-in-sources.js';
import gaps from './gaps.js';
import reindex from './reindex.js';
import source from './source.js';
import sources from './sources.js';

// A list rather than a directory scan: the same code runs from src/ under tsx and from dist/ under node,
// and the compiler checks every command against its interface.
const slashCommands: readonly SlashCommand[] = [ask, sources, source, reindex, gaps];
const messageCommands: readonly MessageCommand[] = [findInSources];

const slashByName = new Map(slashCommands.map((command) => [command.data.name, command]));
const messageByName = new Map(messageCommands.map((command) => [command.data.name, command]));

export function slashCommand(name: string): SlashCommand | undefined {
  return slashByName.get(name);
}

export function messageCommand(name: string): MessageCommand | undefined {
  return messageByName.get(name);
}

/** Every command as Discord registers it: what `npm run deploy-commands` sends. */
export const commandDefinitions: readonly RESTPostAPIApplicationCommandsJSONBody[] = [
  ...slashCommands.map((command) => command.data.toJSON()),
  ...messageCommands.map((command) => command.data.toJSON()),
];
