import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Verdict } from '../answer/verdict.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import type { ReloadResult } from '../reload.js';
import type { Store } from '../store/store.js';
import type { ButtonInteraction, CommandInteraction, AutocompleteInteraction, MessageCommandInteraction } from './port.js';

/** What every handler gets besides its interaction. */
export interface HandlerContext {
  /**
   * The library this interaction uses from start to end: the one answering when the interaction arrived, even if a
   * reload swaps in a newer one meanwhile.
   */
  readonly library: Library;
  /** Reads the data folder again and swaps the new library in (or keeps the current one if that fails). */
  readonly reindex: () => Promise<ReloadResult>;
  /** When set, citations link into `${sourceBaseUrl}/${file}` at their page, heading or lines (see citationLink). */
  readonly sourceBaseUrl: string | undefined;
  readonly logger: Logger;
  /** What outlives a restart (tracked pins, recorded questions, votes); undefined when the database is unavailable. */
  readonly store: Store | undefined;
  /** RECORD_DAYS: how far back /gaps looks by default (questions older than this are deleted). */
  readonly recordDays: number;
}

/** What a handler reports for the interaction's log line and metrics. */
export interface Outcome {
  /** Whether the sources answered (for handlers that answer a question). */
  readonly answered?: boolean;
  /** For a question asked (/ask, Find in sources): what the sources made of it. */
  readonly verdict?: Verdict;
  /** The question asked, as answered: recorded when the sources did not answer it. */
  readonly question?: string;
}

interface CommandDefinition {
  readonly name: string;
  toJSON(): RESTPostAPIApplicationCommandsJSONBody;
}

export interface SlashCommand {
  readonly data: CommandDefinition;
  /** Each use counts against the member's share of answers (fair use); autocomplete never does. */
  readonly limitedPerMember?: boolean;
  execute(interaction: CommandInteraction, context: HandlerContext): Promise<Outcome | void>;
  autocomplete?(interaction: AutocompleteInteraction, context: HandlerContext): Promise<void>;
}

export interface MessageCommand {
  readonly data: CommandDefinition;
  /** Each use counts against the member's share of answers (fair use). */
  readonly limitedPerMember?: boolean;
  execute(interaction: MessageCommandInteraction, context: HandlerContext): Promise<Outcome | void>;
}

/** The handler of one family of buttons: the family is the custom_id up to its first ":". */
export interface ButtonHandler {
  readonly family: string;
  execute(interaction: ButtonInteraction, context: HandlerContext): Promise<Outcome | void>;
}
