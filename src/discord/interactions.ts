import {
  InteractionType,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import type { BotContext, Outcome } from './context.js';
import { messageCommand, slashCommand } from './commands/index.js';
import { buttonHandler, customIdFamily } from './components/index.js';
import { OUT_OF_DATE, replyPrivately } from './replies.js';

const SOMETHING_WENT_WRONG = 'Something went wrong on my side, sorry. It has been logged; please try again.';
const UNKNOWN_COMMAND = "I don't know this command any more. It may have been removed in an update.";

function describeInteraction(interaction: Interaction): { kind: string; name: string } {
  if (interaction.isChatInputCommand()) return { kind: 'command', name: interaction.commandName };
  if (interaction.isAutocomplete()) return { kind: 'autocomplete', name: interaction.commandName };
  if (interaction.isMessageContextMenuCommand()) return { kind: 'message-command', name: interaction.commandName };
  if (interaction.isButton()) return { kind: 'button', name: customIdFamily(interaction.customId) };
  return { kind: InteractionType[interaction.type] ?? 'unknown', name: '' };
}

async function onChatInputCommand(interaction: ChatInputCommandInteraction, context: BotContext): Promise<Outcome | void> {
  const command = slashCommand(interaction.commandName);
  if (!command) return replyPrivately(interaction, UNKNOWN_COMMAND);
  return command.execute(interaction, context);
}

async function onAutocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
  const command = slashCommand(interaction.commandName);
  if (!command?.autocomplete) return interaction.respond([]);
  return command.autocomplete(interaction, context);
}

async function onMessageCommand(
  interaction: MessageContextMenuCommandInteraction,
  context: BotContext,
): Promise<Outcome | void> {
  const command = messageCommand(interaction.commandName);
  if (!command) return replyPrivately(interaction, UNKNOWN_COMMAND);
  return command.execute(interaction, context);
}

async function onButton(interaction: ButtonInteraction, context: BotContext): Promise<Outcome | void> {
  const handler = buttonHandler(interaction.customId);
  if (!handler) return replyPrivately(interaction, OUT_OF_DATE);
  return handler.execute(interaction, context);
}

/** The bot registers no other kind of interaction (no modals, no select menus): those are ignored. */
async function route(interaction: Interaction, context: BotContext): Promise<Outcome | void> {
  if (interaction.isChatInputCommand()) return onChatInputCommand(interaction, context);
  if (interaction.isAutocomplete()) return onAutocomplete(interaction, context);
  if (interaction.isMessageContextMenuCommand()) return onMessageCommand(interaction, context);
  if (interaction.isButton()) return onButton(interaction, context);
}

/** One ephemeral "something went wrong", as a reply or a follow-up depending on what the handler had already sent. */
async function apologise(interaction: Interaction, context: BotContext): Promise<void> {
  try {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
    } else if (interaction.isRepliable()) {
      const notice = { content: SOMETHING_WENT_WRONG, flags: MessageFlags.Ephemeral } as const;
      if (interaction.replied || interaction.deferred) await interaction.followUp(notice);
      else await interaction.reply(notice);
    }
  } catch (error) {
    context.logger.warn({ err: error, id: interaction.id }, 'could not tell the member that something went wrong');
  }
}

function responded(interaction: Interaction): boolean {
  if (interaction.isAutocomplete()) return interaction.responded;
  return interaction.isRepliable() && (interaction.replied || interaction.deferred);
}

/**
 * Runs the handler of one interaction. Whatever it throws is logged with its context and turned into an apology to
 * the member, so that no handler can take the bot down. Logs one line per interaction; never the question (that is
 * for debug level, in the handlers).
 */
export async function handleInteraction(interaction: Interaction, context: BotContext): Promise<void> {
  const started = performance.now();
  const { kind, name } = describeInteraction(interaction);
  let outcome: Outcome | void = undefined;
  let failed = false;
  try {
    outcome = await route(interaction, context);
  } catch (error) {
    failed = true;
    context.logger.error({ err: error, id: interaction.id, kind, name }, 'interaction failed');
    await apologise(interaction, context);
  }
  context.logger.info(
    {
      id: interaction.id,
      kind,
      name,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      answered: outcome?.answered,
      responded: responded(interaction),
      failed,
    },
    'interaction',
  );
}
