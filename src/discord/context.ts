import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ContextMenuCommandBuilder,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';

/** What every handler gets besides its interaction. */
export interface BotContext {
  readonly library: Library;
  /** When set, citations link to `${sourceBaseUrl}/${file}#L{first}-L{last}`. */
  readonly sourceBaseUrl: string | undefined;
  readonly logger: Logger;
}

/** What a handler reports for the interaction's log line. */
export interface Outcome {
  /** Whether the sources answered (for handlers that answer a question). */
  readonly answered?: boolean;
}

interface CommandDefinition {
  readonly name: string;
  toJSON(): RESTPostAPIApplicationCommandsJSONBody;
}

export interface SlashCommand {
  readonly data: CommandDefinition;
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<Outcome | void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

export interface MessageCommand {
  readonly data: ContextMenuCommandBuilder;
  execute(interaction: MessageContextMenuCommandInteraction, context: BotContext): Promise<Outcome | void>;
}

/** The handler of one family of buttons: the family is the custom_id up to its first ":". */
export interface ButtonHandler {
  readonly family: string;
  execute(interaction: ButtonInteraction, context: BotContext): Promise<Outcome | void>;
}
