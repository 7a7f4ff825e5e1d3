import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
} from 'discord-api-types/v10';
import { BUTTON_LABEL_LIMIT, BUTTONS_PER_ROW_LIMIT, CUSTOM_ID_LIMIT } from '../../discord/limits.js';

/** A row of buttons, as Discord takes it. */
export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

export interface ButtonOptions {
  /** A Unicode emoji shown before the label. */
  readonly emoji?: string;
  readonly disabled?: boolean;
}

type ClickableStyle = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

/**
 * A button as the JSON Discord takes. Not discord.js's ButtonBuilder: each of its setters validates its value, and
 * `setEmoji` builds and discards errors while trying every shape an emoji may take; the buttons of one answer cost
 * more than its embed. Every custom_id and label the bot makes is within Discord's limits by construction; a check
 * here still stops a future one that is not before Discord refuses the whole message.
 */
export function button(
  customId: string,
  label: string,
  style: ClickableStyle,
  { emoji, disabled }: ButtonOptions = {},
): APIButtonComponentWithCustomId {
  if (customId.length > CUSTOM_ID_LIMIT) throw new RangeError(`custom_id longer than ${CUSTOM_ID_LIMIT}: ${customId}`);
  if (label.length > BUTTON_LABEL_LIMIT) throw new RangeError(`button label longer than ${BUTTON_LABEL_LIMIT}: ${label}`);
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label,
    style,
    ...(emoji !== undefined && { emoji: { name: emoji } }),
    ...(disabled !== undefined && { disabled }),
  };
}

export function buttonRow(buttons: readonly APIButtonComponentWithCustomId[]): ButtonRow {
  if (buttons.length > BUTTONS_PER_ROW_LIMIT) throw new RangeError(`more than ${BUTTONS_PER_ROW_LIMIT} buttons in a row`);
  return { type: ComponentType.ActionRow, components: [...buttons] };
}
