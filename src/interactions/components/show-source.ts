import { ButtonStyle, type APIButtonComponentWithCustomId } from 'discord-api-types/v10';
import { originalAttachment } from '../attachments.js';
import type { ButtonHandler } from '../context.js';
import { sourceContextEmbed } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { OUT_OF_DATE, PASSAGE_GONE } from '../../messages.js';
import { button } from './buttons.js';

const FAMILY = 'src';
/** Passages on each side of the cited one. */
const CONTEXT_RADIUS = 1;

/** `src:<passage id>`: the passage to show, so the button works after a restart. */
export function showSourceCustomId(passageId: string): string {
  return `${FAMILY}:${passageId}`;
}

export function parseShowSourceCustomId(customId: string): string | undefined {
  return /^src:([0-9a-f]{16})$/.exec(customId)?.[1];
}

export function showSourceButton(passageId: string): APIButtonComponentWithCustomId {
  return button(showSourceCustomId(passageId), 'Show source', ButtonStyle.Secondary, { emoji: '📄' });
}

/** Replies, to the member alone, with the passage between its neighbours and the source's own file attached. */
export default {
  family: FAMILY,
  async execute(interaction, { library, sourceBaseUrl }) {
    const passageId = parseShowSourceCustomId(interaction.customId);
    if (!passageId) return replyPrivately(interaction, OUT_OF_DATE);
    const passage = library.passage(passageId);
    const source = passage && library.source(passage.file);
    if (!passage || !source) return replyPrivately(interaction, PASSAGE_GONE);

    const { files, note } = await originalAttachment(library, source);
    await interaction.reply({
      embeds: [sourceContextEmbed(passage, library.neighbours(passage, CONTEXT_RADIUS), sourceBaseUrl, note)],
      files,
      ephemeral: true,
    });
  },
} satisfies ButtonHandler;
