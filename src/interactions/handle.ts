import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { Verdict } from '../answer/verdict.js';
import type { Logger } from '../log.js';
import type { LiveLibrary } from '../reload.js';
import type { StorageSettings } from '../config.js';
import type { Store } from '../store/store.js';
import type { HandlerContext, Outcome } from './context.js';
import { discordErrorCode } from './discord-errors.js';
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  CommandInteraction,
  Interaction,
  MessageCommandInteraction,
  RepliableInteraction,
} from './port.js';
import { messageCommand, slashCommand } from './commands/index.js';
import { buttonHandler, customIdFamily } from './components/index.js';
import { slowDownNotice, type AnswerCooldown } from './cooldown.js';
import { replyPrivately } from './replies.js';
import { OUT_OF_DATE, SOMETHING_WENT_WRONG, UNKNOWN_COMMAND } from '../messages.js';
import { DEFAULT_RECORD_DAYS } from '../config.js';

/** How one interaction ended, for the log line and the metrics. */
export type InteractionResult = 'answered' | 'not-answered' | 'slowed-down' | 'done' | 'expired' | 'failed';

/** One handled interaction, as the metrics count it. */
export interface HandledInteraction {
  readonly kind: Interaction['kind'];
  readonly name: string;
  readonly result: InteractionResult;
  /** For a question asked: the verdict on it. */
  readonly verdict: Verdict | undefined;
  readonly seconds: number;
}

/** What the bot shares between interactions, whichever transport brought them. */
export interface SharedServices {
  readonly live: LiveLibrary;
  /** Undefined when answers are not limited. */
  readonly cooldown: AnswerCooldown | undefined;
  readonly sourceBaseUrl: string | undefined;
  readonly logger: Logger;
  /** Undefined when the database is unavailable, or not used (the playground). */
  readonly store?: Store;
  /** Whether and how long unanswered questions are recorded; not recorded when absent. */
  readonly recording?: Pick<StorageSettings, 'recordQuestions' | 'recordDays'>;
  /** Told of every interaction once it is handled (the HTTP server's metrics). */
  readonly onHandled?: (handled: HandledInteraction) => void;
  /** With instances sharing a database: tells the others to reindex too (they read their own data folders). */
  readonly announceReindex?: () => Promise<void>;
}

/** How the log line of an interaction ends up. */
interface LoggedOutcome extends Outcome {
  /** The member had had their share of answers and was told when to try again. */
  readonly slowedDown?: boolean;
}

function nameOf(interaction: Interaction): string {
  return interaction.kind === 'button' ? customIdFamily(interaction.customId) : interaction.commandName;
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

function isUnanswerable(error: unknown): boolean {
  const code = discordErrorCode(error);
  return code !== undefined && UNANSWERABLE.has(code);
}

/** Fair use: false, once the member has been told when to try again, when they have had their share for now. */
async function admitted(interaction: RepliableInteraction, cooldown: AnswerCooldown | undefined): Promise<boolean> {
  if (cooldown === undefined) return true;
  const admission = cooldown.admit(interaction.user.id);
  if (admission.admitted) return true;
  await replyPrivately(interaction, slowDownNotice(admission.retryInMs, cooldown.settings));
  return false;
}

async function onCommand(
  interaction: CommandInteraction,
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
  interaction: MessageCommandInteraction,
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

function route(
  interaction: Interaction,
  context: HandlerContext,
  cooldown: AnswerCooldown | undefined,
): Promise<LoggedOutcome | void> {
  switch (interaction.kind) {
    case 'command':
      return onCommand(interaction, context, cooldown);
    case 'autocomplete':
      return onAutocomplete(interaction, context);
    case 'message-command':
      return onMessageCommand(interaction, context, cooldown);
    case 'button':
      return onButton(interaction, context);
  }
}

/** One ephemeral "something went wrong", as a reply or a follow-up depending on what the handler had already sent. */
async function apologise(interaction: Interaction, logger: Logger): Promise<void> {
  try {
    if (interaction.kind === 'autocomplete') {
      if (!interaction.responded) await interaction.respond([]);
    } else {
      const notice = { content: SOMETHING_WENT_WRONG, ephemeral: true } as const;
      if (interaction.responded) await interaction.followUp(notice);
      else await interaction.reply(notice);
    }
  } catch (error) {
    logger.warn({ err: error, id: interaction.id }, 'could not tell the member that something went wrong');
  }
}

function resultOf(outcome: LoggedOutcome | void, failed: boolean, expired: boolean): InteractionResult {
  if (expired) return 'expired';
  if (failed) return 'failed';
  if (outcome?.slowedDown) return 'slowed-down';
  if (outcome?.answered === undefined) return 'done';
  return outcome.answered ? 'answered' : 'not-answered';
}

/**
 * A question the sources did not answer (verdict `none` or `related`), kept for /gaps: the question, the verdict, the
 * time, the server and the channel; never who asked. A database that fails here costs the record, not the answer.
 */
async function recordUnanswered(interaction: Interaction, outcome: Outcome, services: SharedServices): Promise<void> {
  const { store, recording, logger } = services;
  const { question, verdict } = outcome;
  if (!store || !recording?.recordQuestions || !question || (verdict !== 'none' && verdict !== 'related')) return;
  try {
    await store.recordQuestion({
      question,
      verdict,
      askedAt: new Date(),
      guildId: interaction.guildId,
      channelId: interaction.channelId,
    });
  } catch (error) {
    logger.warn({ err: error }, 'could not record an unanswered question');
  }
}

/**
 * Runs the handler of one interaction, from either transport. Whatever it throws is logged with its context and
 * turned into an apology to the member, so that no handler can take the bot down. Logs one line per interaction, with
 * its latency from `receivedAt` (when it arrived, before waiting for its turn); never the question (that is for debug
 * level, in the handlers).
 */
export async function handleInteraction(
  interaction: Interaction,
  services: SharedServices,
  receivedAt = performance.now(),
): Promise<void> {
  const { live, cooldown, sourceBaseUrl, logger, store, recording } = services;
  const context: HandlerContext = {
    library: live.current,
    reindex: () => {
      void services.announceReindex?.();
      return live.reload('/reindex');
    },
    sourceBaseUrl,
    logger,
    store,
    recordDays: recording?.recordDays ?? DEFAULT_RECORD_DAYS,
  };
  const { kind } = interaction;
  const name = nameOf(interaction);
  let outcome: LoggedOutcome | void = undefined;
  let failed = false;
  let expired = false;
  try {
    outcome = await route(interaction, context, cooldown);
  } catch (error) {
    failed = true;
    if (isUnanswerable(error)) {
      expired = true;
      logger.warn({ err: error, id: interaction.id, kind, name }, 'the interaction expired or was answered already');
    } else {
      logger.error({ err: error, id: interaction.id, kind, name }, 'interaction failed');
      await apologise(interaction, logger);
    }
  }
  if (outcome) await recordUnanswered(interaction, outcome, services);
  const seconds = (performance.now() - receivedAt) / 1000;
  logger.info(
    {
      id: interaction.id,
      kind,
      name,
      latencyMs: Math.round(seconds * 10_000) / 10,
      answered: outcome?.answered,
      verdict: outcome?.verdict,
      ...(outcome?.slowedDown && { slowedDown: true }),
      responded: interaction.responded,
      failed,
    },
    'interaction',
  );
  services.onHandled?.({ kind, name, result: resultOf(outcome, failed, expired), verdict: outcome?.verdict, seconds });
}
