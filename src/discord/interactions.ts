import {
  DiscordAPIError,
  InteractionType,
  MessageFlags,
  RESTJSONErrorCodes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { Logger } from '../log.js';
import type { LiveLibrary } from '../reload.js';
import type { HandlerContext, Outcome } from './context.js';
import { messageCommand, slashCommand } from './commands/index.js';
import { buttonHandler, customIdFamily } from './components/index.js';
import { slowDownNotice, type AnswerCooldown } from './cooldown.js';
import { replyPrivately } from './replies.js';
import { OUT_OF_DATE, SOMETHING_WENT_WRONG } from '../messages.js';

/** What the bot shares between interactions. */
export interface SharedServices {
  readonly live: LiveLibrary;
  /** Undefined when answers are not limited. */
  readonly cooldown: AnswerCooldown | undefined;
  readonly sourceBaseUrl: string | undefined;
  readonly logger: Logger;
}

/** How the log line of an interaction ends up. */
interface LoggedOutcome extends Outcome {
  /** The member had had their share of answers and was told when to try again. */
  readonly slowedDown?: boolean;
}

const UNKNOWN_COMMAND = "I don't know this command any more. It may have been removed in an update.";

function describeInteraction(interaction: Interaction): { kind: string; name: string } {
  if (interaction.isChatInputCommand()) return { kind: 'command', name: interaction.commandName };
  if (interaction.isAutocomplete()) return { kind: 'autocomplete', name: interaction.commandName };
  if (interaction.isMessageContextMenuCommand()) return { kind: 'message-command', name: interaction.commandName };
  if (interaction.isButton()) return { kind: 'button', name: customIdFamily(interaction.customId) };
  return { kind: InteractionType[interaction.type] ?? 'unknown', name: '' };
}

/**
 * Refused by Discord because the interaction can no longer be answered: its token expired (an interaction must be
 * answered within 3 s, followed up within 15 min), or it was answered already (a request retried after an error that
 * Discord had in fact carried out). An apology would be refused the same way.
 */
const UNANSWERABLE: ReadonlySet<number | string> = new Set([
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.InvalidWebhookToken,
  RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
]);

function isUnanswerable(error: unknown): error is DiscordAPIError {
  return error instanceof DiscordAPIError && UNANSWERABLE.has(error.code);
}

/** Fair use: false, once the member has been told when to try again, when they have had their share for now. */
async function admitted(interaction: RepliableInteraction, cooldown: AnswerCooldown | undefined): Promise<boolean> {
  if (cooldown === undefined) return true;
  const admission = cooldown.admit(interaction.user.id);
  if (admission.admitted) return true;
  await replyPrivately(interaction, slowDownNotice(admission.retryInMs, cooldown.settings));
  return false;
}

async function onChatInputCommand(
  interaction: ChatInputCommandInteraction,
  context: HandlerContext,
  cooldown: AnswerCooldown | undefined,
): Promise<LoggedOutcome | void> {
  const command = slashCommand(interaction.commandName);
  if (!command) return replyPrivately(interaction, UNKNOWN_COMMAND);
  if (command.limitedPerMember && !(await admitted(interaction, cooldown))) return { slowedDown: true };
  return command.execute(interaction, context);
}

async function onAutocomplete(interaction: AutocompleteInteraction, context: HandlerContext): Promise<void> {
  const command = slashCommand(interaction.commandName);
  if (!command?.autocomplete) return interaction.respond([]);
  return command.autocomplete(interaction, context);
}

async function onMessageCommand(
  interaction: MessageContextMenuCommandInteraction,
  context: HandlerContext,
  cooldown: AnswerCooldown | undefined,
): Promise<LoggedOutcome | void> {
  const command = messageCommand(interaction.commandName);
  if (!command) return replyPrivately(interaction, UNKNOWN_COMMAND);
  if (command.limitedPerMember && !(await admitted(interaction, cooldown))) return { slowedDown: true };
  return command.execute(interaction, context);
}

async function onButton(interaction: ButtonInteraction, context: HandlerContext): Promise<Outcome | void> {
  const handler = buttonHandler(interaction.customId);
  if (!handler) return replyPrivately(interaction, OUT_OF_DATE);
  return handler.execute(interaction, context);
}

/** The bot registers no other kind of interaction (no modals, no select menus): those are ignored. */
async function route(
  interaction: Interaction,
  context: HandlerContext,
  cooldown: AnswerCooldown | undefined,
): Promise<LoggedOutcome | void> {
  if (interaction.isChatInputCommand()) return onChatInputCommand(interaction, context, cooldown);
  if (interaction.isAutocomplete()) return onAutocomplete(interaction, context);
  if (interaction.isMessageContextMenuCommand()) return onMessageCommand(interaction, context, cooldown);
  if (interaction.isButton()) return onButton(interaction, context);
}

/** One ephemeral "something went wrong", as a reply or a follow-up depending on what the handler had already sent. */
async function apologise(interaction: Interaction, logger: Logger): Promise<void> {
  try {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
    } else if (interaction.isRepliable()) {
      const notice = { content: SOMETHING_WENT_WRONG, flags: MessageFlags.Ephemeral } as const;
      if (interaction.replied || interaction.deferred) await interaction.followUp(notice);
      else await interaction.reply(notice);
    }
  } catch (error) {
    logger.warn({ err: error, id: interaction.id }, 'could not tell the member that something went wrong');
  }
}

function responded(interaction: Interaction): boolean {
  if (interaction.isAutocomplete()) return interaction.responded;
  return interaction.isRepliable() && (interaction.replied || interaction.deferred);
}

/**
 * Runs the handler of one interaction. Whatever it throws is logged with its context and turned into an apology to
 * the member, so that no handler can take the bot down. Logs one line per interaction, with its latency from
 * `receivedAt` (when it arrived, before waiting for its turn); never the question (that is for debug level, in the
 * handlers).
 */
export async function handleInteraction(
  interaction: Interaction,
  services: SharedServices,
  receivedAt = performance.now(),
): Promise<void> {
  const { live, cooldown, sourceBaseUrl, logger } = services;
  const context: HandlerContext = {
    library: live.current,
    reindex: () => live.reload('/reindex'),
    sourceBaseUrl,
    logger,
  };
  const { kind, name } = describeInteraction(interaction);
  let result: LoggedOutcome | void = undefined;
  let failed = false;
  try {
    result = await route(interaction, context, cooldown);
  } catch (error) {
    failed = true;
    if (isUnanswerable(error)) {
      logger.warn({ err: error, id: interaction.id, kind, name }, 'the interaction expired or was answered already');
    } else {
      logger.error({ err: error, id: interaction.id, kind, name }, 'interaction failed');
      await apologise(interaction, logger);
    }
  }
  logger.info(
    {
      id: interaction.id,
      kind,
      name,
      latencyMs: Math.round((performance.now() - receivedAt) * 10) / 10,
      answered: result?.answered,
      ...(result?.slowedDown && { slowedDown: true }),
      responded: responded(interaction),
      failed,
    },
    'interaction',
  );
}
