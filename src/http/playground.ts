/**
 * The playground page's one call: `/ask` with a question, or a button under an answer it was shown. Both run through
 * the bot's own handlers (src/interactions/) over the playground port, so the page shows exactly what the bot would
 * post in Discord.
 */
import { randomUUID } from 'node:crypto';
import { ComponentType, type APIEmbed } from 'discord-api-types/v10';
import { handleInteraction, type SharedServices } from '../interactions/handle.js';
import type { ButtonMessage } from '../interactions/port.js';
import { CUSTOM_ID_LIMIT } from '../discord/limits.js';
import { PlaygroundAsk, PlaygroundButton, type ShownMessage } from './playground-port.js';

/** What a question or a button press shows: the messages the member would see, in order. */
export interface PlaygroundResult {
  readonly messages: readonly ShownMessage[];
}

/** The longest question the page may send; the bot cuts a question to an embed title anyway. */
const QUESTION_LIMIT = 2_000;

interface PressedButton {
  readonly customId: string;
  readonly message: ShownMessage;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message a button was pressed on, as the page sent it back: only what handlers read of it is kept. */
function pressedButton(body: Record<string, unknown>): PressedButton | undefined {
  const { customId, message } = body;
  if (typeof customId !== 'string' || customId.length > CUSTOM_ID_LIMIT || !isRecord(message)) return undefined;
  const { embeds, components, ephemeral } = message;
  if (!Array.isArray(embeds) || !Array.isArray(components)) return undefined;
  return {
    customId,
    message: { ephemeral: ephemeral === true, embeds, components, files: [] },
  };
}

function buttonMessage({ message }: PressedButton): ButtonMessage {
  const first: unknown = message.embeds[0];
  const title = isRecord(first) && typeof first.title === 'string' ? first.title : undefined;
  const customIds = message.components.flatMap((row) =>
    isRecord(row) && row.type === ComponentType.ActionRow && Array.isArray(row.components)
      ? row.components.flatMap((component: unknown) =>
          isRecord(component) && typeof component.custom_id === 'string' ? [component.custom_id] : [],
        )
      : [],
  );
  const embeds = message.embeds.filter(isRecord) as APIEmbed[];
  return { id: 'playground', channelId: 'playground', pinned: false, ephemeral: message.ephemeral, title, embeds, customIds };
}

/** Undefined when the body is neither a question nor a button press. */
export async function runPlayground(body: unknown, services: SharedServices): Promise<PlaygroundResult | undefined> {
  if (!isRecord(body)) return undefined;
  if (typeof body.question === 'string') {
    const question = body.question.slice(0, QUESTION_LIMIT);
    const ask = new PlaygroundAsk(randomUUID(), question);
    await handleInteraction(ask, services);
    return { messages: ask.messages };
  }
  const pressed = pressedButton(body);
  if (pressed === undefined) return undefined;
  const button = new PlaygroundButton(randomUUID(), pressed.customId, buttonMessage(pressed), pressed.message);
  await handleInteraction(button, services);
  return { messages: button.messages };
}
