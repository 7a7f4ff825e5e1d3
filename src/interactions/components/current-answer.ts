import type { ButtonHandler } from '../context.js';
import { notFoundEmbed, questionFromTitle } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { OUT_OF_DATE, RELATED_ANSWER } from '../../messages.js';
import { CURRENT_ANSWER_CUSTOM_ID } from '../pinned-answers.js';
import { answerMessage, matchesFor, pickedView, rankedView, relatedMessage } from './answer-pages.js';

/**
 * "Current answer", on a pinned answer whose source changed since: the best passage for the same question in the
 * sources as they are now, shown to the member alone (the pin keeps the quote as it was pinned).
 */
export default {
  family: CURRENT_ANSWER_CUSTOM_ID,
  async execute(interaction, { library, sourceBaseUrl }) {
    if (interaction.customId !== CURRENT_ANSWER_CUSTOM_ID) return replyPrivately(interaction, OUT_OF_DATE);
    const question = questionFromTitle(interaction.message.title);
    const answer = await matchesFor(library, question);
    const view = rankedView(question, answer, 0);
    if (view) {
      await interaction.reply({ ...answerMessage(view, sourceBaseUrl, false), ephemeral: true });
      return { answered: true };
    }
    const closest = answer.results[0];
    if (answer.verdict === 'related' && closest) {
      const related = relatedMessage(pickedView(library, question, answer, closest), sourceBaseUrl);
      await interaction.reply({ content: RELATED_ANSWER, ...related, ephemeral: true });
      return { answered: false };
    }
    await interaction.reply({ embeds: [notFoundEmbed(question, answer, sourceBaseUrl)], ephemeral: true });
    return { answered: false };
  },
} satisfies ButtonHandler;
