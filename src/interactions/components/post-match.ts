import { ButtonStyle } from 'discord-api-types/v10';
import type { Passage } from '../../corpus/types.js';
import type { ButtonHandler } from '../context.js';
import { questionFromTitle } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { OUT_OF_DATE, PASSAGE_GONE } from '../../messages.js';
import { answerMessage, matchesFor, pickedView } from './answer-pages.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';

const FAMILY = 'post';

/** `post:<passage id>`; the question is read back from the title of the message the button is under. */
function postCustomId(passageId: string): string {
  return `${FAMILY}:${passageId}`;
}

function parsePostCustomId(customId: string): string | undefined {
  return /^post:([0-9a-f]{16})$/.exec(customId)?.[1];
}

/** One "Post match N" button per match shown. */
export function postButtons(passages: readonly Passage[]): ButtonRow {
  return buttonRow(
    passages.map((passage, index) => button(postCustomId(passage.id), `Post match ${index + 1}`, ButtonStyle.Primary)),
  );
}

/** Posts one of the matches that "Find in sources" showed privately, as a public answer in the channel. */
export default {
  family: FAMILY,
  async execute(interaction, { library, sourceBaseUrl }) {
    const passageId = parsePostCustomId(interaction.customId);
    if (!passageId) return replyPrivately(interaction, OUT_OF_DATE);
    const passage = library.passage(passageId);
    if (!passage) return replyPrivately(interaction, PASSAGE_GONE);
    const question = questionFromTitle(interaction.message.title);
    const answer = await matchesFor(library, question);
    const view = pickedView(library, question, answer, passage);
    await interaction.reply(answerMessage(view, sourceBaseUrl, true));
    return { answered: true };
  },
} satisfies ButtonHandler;
