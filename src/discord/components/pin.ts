import {
  ButtonStyle,
  ComponentType,
  DiscordAPIError,
  MessageFlags,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type APIButtonComponentWithCustomId,
  type ButtonInteraction,
} from 'discord.js';
import type { ButtonHandler } from '../context.js';
import { AUDIT_LOG_REASON_LIMIT, BUTTON_LABEL_LIMIT } from '../limits.js';
import { replyPrivately } from '../replies.js';
import { cutAtWord } from '../../text.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';
import { parseShowSourceCustomId, showSourceButton } from './show-source.js';
import { ALREADY_PINNED, cannotPin, NOT_A_MODERATOR, OUT_OF_DATE, PINS_FULL } from '../../messages.js';

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

function moderatorName(interaction: ButtonInteraction): string {
  const { member } = interaction;
  if (member && 'displayName' in member) return member.displayName;
  return member?.nick ?? interaction.user.displayName;
}

/**
 * A pinned answer is frozen: "Next match" and "Previous" would change what the pin shows, so they go;
 * "Show source" stays and the pin button says who pinned it.
 */
function pinnedComponents(interaction: ButtonInteraction, moderator: string): ButtonRow {
  const passageId = interaction.message.components
    .flatMap((current) => (current.type === ComponentType.ActionRow ? current.components : []))
    .map((component) => (component.type === ComponentType.Button ? parseShowSourceCustomId(component.customId ?? '') : undefined))
    .find((id) => id !== undefined);
  return buttonRow([...(passageId ? [showSourceButton(passageId)] : []), pinnedButton(moderator)]);
}

function isDiscordError(error: unknown, code: number): boolean {
  return error instanceof DiscordAPIError && error.code === code;
}

/** "📌 Pin": moderators pin the answer; everyone else, and a bot without the permissions, is told why not. */
export default {
  family: PIN_CUSTOM_ID,
  async execute(interaction) {
    if (interaction.customId !== PIN_CUSTOM_ID) return replyPrivately(interaction, OUT_OF_DATE);
    // memberPermissions comes with the interaction (the member's permissions in this channel); null outside a server.
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.PinMessages)) {
      return replyPrivately(interaction, NOT_A_MODERATOR);
    }
    const missing = PIN_PERMISSIONS.filter(([flag]) => !interaction.appPermissions.has(flag)).map(([, name]) => name);
    if (missing.length > 0) return replyPrivately(interaction, cannotPin(missing));
    if (interaction.message.pinned) return replyPrivately(interaction, ALREADY_PINNED);

    const moderator = moderatorName(interaction);
    const { user } = interaction;
    await interaction.deferUpdate();
    try {
      await interaction.message.pin(cutAtWord(`Answer pinned by ${user.username} (${user.id})`, AUDIT_LOG_REASON_LIMIT));
    } catch (error) {
      const notice = isDiscordError(error, RESTJSONErrorCodes.MaximumNumberOfPinsReachedForTheChannel)
        ? PINS_FULL
        : isDiscordError(error, RESTJSONErrorCodes.MissingPermissions)
          ? cannotPin(PIN_PERMISSIONS.map(([, name]) => name))
          : undefined;
      if (!notice) throw error;
      await interaction.followUp({ content: notice, flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.editReply({ components: [pinnedComponents(interaction, moderator)] });
  },
} satisfies ButtonHandler;
