import { ButtonStyle, type APIButtonComponentWithCustomId } from 'discord-api-types/v10';
import type { Source } from '../../corpus/types.js';
import type { ButtonHandler } from '../context.js';
import type { OutgoingFile } from '../port.js';
import { ATTACHMENT_BYTES_LIMIT } from '../../discord/limits.js';
import { formatBytes, sourceContextEmbed } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { OUT_OF_DATE, PASSAGE_GONE } from '../../messages.js';
import { button } from './buttons.js';
import { sourceTooLarge, WHOLE_SOURCE_ATTACHED } from '../../messages.js';

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

/**
 * The source as a file to attach, when Discord accepts its size. It is the text as indexed, not the file as it is
 * now on disk: its line numbers are the ones the citations name.
 */
export function sourceAttachment(source: Source): { files: OutgoingFile[]; note: string } {
  const bytes = Buffer.from(source.text, 'utf8');
  if (bytes.byteLength > ATTACHMENT_BYTES_LIMIT) {
    return { files: [], note: sourceTooLarge(formatBytes(bytes.byteLength)) };
  }
  const name = source.file.split('/').at(-1) ?? source.file;
  return { files: [{ name, data: bytes }], note: WHOLE_SOURCE_ATTACHED };
}

/** Replies, to the member alone, with the passage between its neighbours and the whole source file attached. */
export default {
  family: FAMILY,
  async execute(interaction, { library, sourceBaseUrl }) {
    const passageId = parseShowSourceCustomId(interaction.customId);
    if (!passageId) return replyPrivately(interaction, OUT_OF_DATE);
    const passage = library.passage(passageId);
    const source = passage && library.source(passage.file);
    if (!passage || !source) return replyPrivately(interaction, PASSAGE_GONE);

    const { files, note } = sourceAttachment(source);
    await interaction.reply({
      embeds: [sourceContextEmbed(passage, library.neighbours(passage, CONTEXT_RADIUS), sourceBaseUrl, note)],
      files,
      ephemeral: true,
    });
  },
} satisfies ButtonHandler;
