import { ButtonStyle } from 'discord-api-types/v10';
import type { Passage } from '../../corpus/types.js';
import { OUT_OF_DATE, PASSAGE_GONE, RELATED_ANSWER, RELATED_POST_LABEL } from '../../messages.js';
import type { ButtonHandler } from '../context.js';
import { questionFromTitle } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { matchesFor, pickedView, relatedMessage } from './answer-pages.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';

const FAMILY = 'related';

/** `related:<passage id>`; the question is read back from the title of the message the button is under. */
function relatedCustomId(passageId: string): string {
  return `${FAMILY}:${passageId}`;
}

function parseRelatedCustomId(customId: string): string | undefined {
  return /^related:([0-9a-f]{16})$/.exec(customId)?.[1];
}

/** "Post anyway": one button per passage shown privately as related, not as an answer. */
export function postAnywayButtons(passages: readonly Passage[]): ButtonRow {
  return buttonRow(
    passages.map((passage, index) =>
      button(relatedCustomId(passage.id), passages.length === 1 ? RELATED_POST_LABEL : `${RELATED_POST_LABEL} (${index + 1})`, ButtonStyle.Secondary),
    ),
  );
}

/**
 * Posts a passage the sources gave as related, not as an answer, in the channel: with the same label it was shown
 * with privately, and never with a Pin button, since it does not answer the question.
 */
export default {
  family: FAMILY,
  async execute(interaction, { library, sourceBaseUrl }) {
    const passageId = parseRelatedCustomId(interaction.customId);
    if (!passageId) return replyPrivately(interaction, OUT_OF_DATE);
    const passage = library.passage(passageId);
    if (!passage) return replyPrivately(interaction, PASSAGE_GONE);
    const question = questionFromTitle(interaction.message.title);
    const view = pickedView(library, question, await matchesFor(library, question), passage);
    await interaction.reply({ content: RELATED_ANSWER, ...relatedMessage(view, sourceBaseUrl) });
    return { answered: false };
  },
} satisfies ButtonHandler;
