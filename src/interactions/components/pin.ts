import {
  ButtonStyle,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type APIButtonComponentWithCustomId,
} from 'discord-api-types/v10';
import type { ButtonHandler, HandlerContext } from '../context.js';
import type { ButtonInteraction } from '../port.js';
import { discordErrorCode } from '../discord-errors.js';
import { AUDIT_LOG_REASON_LIMIT, BUTTON_LABEL_LIMIT } from '../../discord/limits.js';
import { replyPrivately } from '../replies.js';
import { cutAtWord } from '../../text.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';
import { parseShowSourceCustomId, showSourceButton } from './show-source.js';
import { ALREADY_PINNED, cannotPin, NOT_A_MODERATOR, OUT_OF_DATE, PIN_NOT_TRACKED, PINS_FULL } from '../../messages.js';
import { questionFromTitle } from '../../discord/render/embeds.js';
import { pinRecord } from '../pinned-answers.js';
import { feedbackRow, parseVoteCustomId } from './feedback.js';

const PIN_CUSTOM_ID = 'pin';

/** The permissions the bot itself needs to pin in a channel, with the names the server settings show. */
const PIN_PERMISSIONS = [
  [PermissionFlagsBits.PinMessages, 'Pin Messages'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
] as const;

const PIN_EMOJI = '📌';

export function pinButton(): APIButtonComponentWithCustomId {
  return button(PIN_CUSTOM_ID, 'Pin', ButtonStyle.Secondary, { emoji: PIN_EMOJI });
}

function pinnedButton(moderator: string): APIButtonComponentWithCustomId {
  return button(PIN_CUSTOM_ID, cutAtWord(`Pinned by ${moderator}`, BUTTON_LABEL_LIMIT), ButtonStyle.Success, {
    emoji: PIN_EMOJI,
    disabled: true,
  });
}

/**
 * A pinned answer is frozen: "Next match" and "Previous" would change what the pin shows, so they go;
 * "Show source" stays, the pin button says who pinned it, and Helpful / Not helpful stay on their row.
 */
function pinnedComponents(interaction: ButtonInteraction, moderator: string): ButtonRow[] {
  const { customIds } = interaction.message;
  const passageId = customIds.map(parseShowSourceCustomId).find((id) => id !== undefined);
  // Members may still say whether a pinned answer helped.
  const votedPassage = customIds.map(parseVoteCustomId).find((vote) => vote !== undefined)?.passageId;
  return [
    buttonRow([...(passageId ? [showSourceButton(passageId)] : []), pinnedButton(moderator)]),
    ...(votedPassage ? [feedbackRow(votedPassage)] : []),
  ];
}

/**
 * Starts keeping the pinned answer true to its source (pinned-answers.ts); when the database is unavailable, says so
 * privately: the pin itself stands.
 */
async function track(interaction: ButtonInteraction, components: ButtonRow[], { library, store, logger }: HandlerContext) {
  const { message } = interaction;
  const passageId = message.customIds.map(parseShowSourceCustomId).find((id) => id !== undefined);
  if (passageId === undefined) return;
  if (!store) {
    await interaction.followUp({ content: PIN_NOT_TRACKED, ephemeral: true });
    return;
  }
  try {
    const record = await pinRecord(
      library,
      {
        messageId: message.id,
        channelId: message.channelId,
        guildId: interaction.guildId,
        question: questionFromTitle(message.title),
        passageId,
      },
      { embeds: [...message.embeds], components },
    );
    if (record === undefined) {
      logger.info({ messageId: message.id }, 'a pinned answer is not tracked: its passage left the sources before the pin');
      return;
    }
    await store.trackPin(record);
  } catch (error) {
    logger.warn({ err: error, messageId: message.id }, 'could not track a pinned answer');
    await interaction.followUp({ content: PIN_NOT_TRACKED, ephemeral: true });
  }
}

function isDiscordError(error: unknown, code: number): boolean {
  return discordErrorCode(error) === code;
}

/** Whether `permissions` grant `flag`: Administrator grants every permission. */
function has(permissions: bigint | undefined, flag: bigint): boolean {
  if (permissions === undefined) return false;
  const { Administrator } = PermissionFlagsBits;
  return (permissions & flag) === flag || (permissions & Administrator) === Administrator;
}

/** "📌 Pin": moderators pin the answer; everyone else, and a bot without the permissions, is told why not. */
export default {
  family: PIN_CUSTOM_ID,
  async execute(interaction, context) {
    if (interaction.customId !== PIN_CUSTOM_ID) return replyPrivately(interaction, OUT_OF_DATE);
    // The member's permissions in this channel come with the interaction (undefined outside a server).
    if (!has(interaction.memberPermissions, PermissionFlagsBits.PinMessages)) {
      return replyPrivately(interaction, NOT_A_MODERATOR);
    }
    const missing = PIN_PERMISSIONS.filter(([flag]) => !has(interaction.appPermissions, flag)).map(([, name]) => name);
    if (missing.length > 0) return replyPrivately(interaction, cannotPin(missing));
    if (interaction.message.pinned) return replyPrivately(interaction, ALREADY_PINNED);

    const { user } = interaction;
    await interaction.deferUpdate();
    try {
      await interaction.pinMessage(cutAtWord(`Answer pinned by ${user.username} (${user.id})`, AUDIT_LOG_REASON_LIMIT));
    } catch (error) {
      const notice = isDiscordError(error, RESTJSONErrorCodes.MaximumNumberOfPinsReachedForTheChannel)
        ? PINS_FULL
        : isDiscordError(error, RESTJSONErrorCodes.MissingPermissions)
          ? cannotPin(PIN_PERMISSIONS.map(([, name]) => name))
          : undefined;
      if (!notice) throw error;
      await interaction.followUp({ content: notice, ephemeral: true });
      return;
    }
    const components = pinnedComponents(interaction, user.displayName);
    await interaction.editOriginal({ components });
    await track(interaction, components, context);
  },
} satisfies ButtonHandler;
