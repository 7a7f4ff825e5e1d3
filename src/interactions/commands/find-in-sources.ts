import { ContextMenuCommandBuilder } from '@discordjs/builders';
import { ApplicationCommandType, InteractionContextType } from 'discord-api-types/v10';
import type { MessageCommand } from '../context.js';
import { matchesFor } from '../components/answer-pages.js';
import { postButtons } from '../components/post-match.js';
import { postAnywayButtons } from '../components/post-related.js';
import { answerEmbeds, fitQuestion, notFoundEmbed } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { NO_TEXT_TO_LOOK_UP, RELATED_CLAIM } from '../../messages.js';

/** Matches shown at once: enough to compare, few enough that each keeps a readable share of the embed limits. */
const MATCHES_SHOWN = 3;

/**
 * "Find in sources" (Apps, on any message): how a moderator checks a claim made in chat. The matches are shown
 * privately; a button posts one of them as a public answer.
 */
export default {
  data: new ContextMenuCommandBuilder()
    .setName('Find in sources')
    .setType(ApplicationCommandType.Message)
    .setContexts(InteractionContextType.Guild),
  limitedPerMember: true,

  async execute(interaction, { library, sourceBaseUrl, logger }) {
    const question = fitQuestion(interaction.targetContent);
    if (!question) {
      await replyPrivately(interaction, NO_TEXT_TO_LOOK_UP);
      return { answered: false };
    }
    logger.debug({ question }, 'question');
    const answer = await matchesFor(library, question);
    if (answer.verdict === 'related') {
      // The sources speak of the claim without confirming it: the closest passages, labelled so, never as support.
      const shown = answer.results.slice(0, MATCHES_SHOWN);
      await interaction.reply({
        content: RELATED_CLAIM,
        embeds: answerEmbeds(question, shown, sourceBaseUrl),
        components: [postAnywayButtons(shown)],
        ephemeral: true,
      });
      return { answered: false, verdict: 'related', question };
    }
    if (!answer.answered) {
      await interaction.reply({ embeds: [notFoundEmbed(question, answer, sourceBaseUrl)], ephemeral: true });
      return { answered: false, verdict: answer.verdict, question };
    }
    const shown = answer.results.slice(0, MATCHES_SHOWN);
    await interaction.reply({
      embeds: answerEmbeds(question, shown, sourceBaseUrl),
      components: [postButtons(shown)],
      ephemeral: true,
    });
    return { answered: true, verdict: 'answer', question };
  },
} satisfies MessageCommand;
