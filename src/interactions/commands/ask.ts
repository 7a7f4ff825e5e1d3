import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import type { SlashCommand } from '../context.js';
import type { NewMessage, OutgoingMessage } from '../port.js';
import { answerMessage, matchesFor, pickedView, rankedView, relatedMessage } from '../components/answer-pages.js';
import { postAnywayButtons } from '../components/post-related.js';
import { AUTOCOMPLETE_CHOICE_LIMIT, AUTOCOMPLETE_CHOICES_LIMIT, INITIAL_RESPONSE_MS } from '../../discord/limits.js';
import { fitQuestion, notFoundEmbed, suggestionName } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { PASSAGE_GONE, RELATED_ANSWER, suggestedFor } from '../../messages.js';
import { collapseWhitespace, cutAtWord } from '../../text.js';

/**
 * A suggestion's value: `passage:<id>:<what the member had typed>`. The id makes the answer exactly that passage;
 * the typed text is the question shown above it and searched for its other matches.
 */
export function passageChoiceValue(passageId: string, typed: string): string {
  const prefix = `passage:${passageId}:`;
  return prefix + cutAtWord(collapseWhitespace(typed), AUTOCOMPLETE_CHOICE_LIMIT - prefix.length);
}

export function parsePassageChoice(value: string): { passageId: string; question: string } | undefined {
  const match = /^passage:([0-9a-f]{16}):(.*)$/s.exec(value);
  return match ? { passageId: match[1] as string, question: match[2] as string } : undefined;
}

/**
 * Reading a question for meaning (hybrid search) takes tens of milliseconds, one question at a time: when more than a
 * third of Discord's time for a first response would pass waiting for it, /ask defers ("citebot is thinking…") and
 * answers in that message once the question is read. The rest of the time covers a wrong estimate and the network.
 */
const DEFER_WHEN_WAIT_EXCEEDS_MS = INITIAL_RESPONSE_MS / 3;

/** A Discord mention of a user, `<@id>`. */
function userMention(userId: string): string {
  return `<@${userId}>`;
}

export default {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Answer a question with a passage quoted from the sources, and where it comes from')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option
        .setName('question')
        .setDescription('What you want to know; pick a suggestion for that exact passage')
        .setRequired(true)
        .setAutocomplete(true),
    )
    .addBooleanOption((option) => option.setName('hide').setDescription('Only you see the answer'))
    .addUserOption((option) =>
      option.setName('mention').setDescription('Suggest the answer to this member (they are the only one pinged)'),
    ),
  limitedPerMember: true,

  async execute(interaction, { library, sourceBaseUrl, logger }) {
    const value = interaction.options.string('question') ?? '';
    const hide = interaction.options.boolean('hide') ?? false;
    const mention = interaction.options.userId('mention');
    const picked = parsePassageChoice(value);
    const question = fitQuestion(picked ? picked.question : value);
    logger.debug({ question }, 'question');

    const passage = picked && library.passage(picked.passageId);
    if (picked && !passage) {
      await replyPrivately(interaction, PASSAGE_GONE);
      return { answered: false };
    }

    const deferred = library.questionWaitMs(question) > DEFER_WHEN_WAIT_EXCEEDS_MS;
    if (deferred) await interaction.defer({ ephemeral: hide });
    // Said privately: once a public reply is deferred, its "thinking" message gives way to a private one.
    const sayPrivately = async (message: OutgoingMessage) => {
      if (!deferred) return interaction.reply({ ...message, ephemeral: true });
      if (hide) return interaction.editOriginal(message);
      await interaction.deleteOriginal();
      await interaction.followUp({ ...message, ephemeral: true });
    };

    const answer = await matchesFor(library, question);
    const closest = answer.results[0];
    if (!passage && answer.verdict === 'related' && closest) {
      // On the subject, but no answer as asked: shown to the asker alone, who may still post it, labelled so.
      const view = pickedView(library, question, answer, closest);
      const related = relatedMessage(view, sourceBaseUrl);
      await sayPrivately({
        content: RELATED_ANSWER,
        embeds: related.embeds,
        components: [...related.components, postAnywayButtons([closest])],
      });
      return { answered: false, verdict: 'related', question };
    }
    const view = passage ? pickedView(library, question, answer, passage) : rankedView(question, answer, 0);
    if (!view) {
      // Never a weak passage presented as an answer: say so, privately, and name the closest sources.
      await sayPrivately({ embeds: [notFoundEmbed(question, answer, sourceBaseUrl)] });
      return { answered: false, verdict: answer.verdict, question };
    }
    const message: NewMessage = {
      ...answerMessage(view, sourceBaseUrl, !hide),
      ...(mention && {
        content: suggestedFor(userMention(mention)),
        allowedMentions: { users: [mention] },
      }),
    };
    if (!deferred) {
      await interaction.reply({ ...message, ephemeral: hide });
    } else if (mention && !hide) {
      // An edited message pings no one: the suggestion is posted anew, so that the member it names is told.
      await interaction.deleteOriginal();
      await interaction.followUp(message);
    } else {
      await interaction.editOriginal(message);
    }
    return { answered: true, verdict: 'answer', question };
  },

  async autocomplete(interaction, { library, logger }) {
    const typed = interaction.focused.trim();
    logger.debug({ question: typed }, 'suggestions');
    const suggestions = typed ? library.suggest(typed, AUTOCOMPLETE_CHOICES_LIMIT) : [];
    await interaction.respond(
      suggestions.slice(0, AUTOCOMPLETE_CHOICES_LIMIT).map((passage) => ({
        name: suggestionName(passage),
        value: passageChoiceValue(passage.id, typed),
      })),
    );
  },
} satisfies SlashCommand;
