import { ButtonStyle, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord-api-types/v10';
import type { Answer } from '../../answer/answer.js';
import type { Passage } from '../../corpus/types.js';
import type { Library } from '../../library.js';
import type { ButtonHandler } from '../context.js';
import { answerEmbed, questionFromTitle } from '../../discord/render/embeds.js';
import { type ExplainedPassage, type MatchPosition } from '../../discord/render/quote.js';
import { replyPrivately } from '../replies.js';
import { MATCH_GONE, OUT_OF_DATE, PINNED_STAYS } from '../../messages.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';
import { feedbackRow } from './feedback.js';
import { pinButton } from './pin.js';
import { showSourceButton } from './show-source.js';

const FAMILY = 'ask';
/** How many ranked passages "Next match" walks through. */
const MATCHES_PER_QUESTION = 10;

type Direction = 'previous' | 'next';

/** `ask:next:3`: the rank to show. The question is read back from the message, so the buttons outlive a restart. */
function pageCustomId(direction: Direction, rank: number): string {
  return `${FAMILY}:${direction}:${rank}`;
}

function parsePageCustomId(customId: string): number | undefined {
  const rank = /^ask:(?:previous|next):(\d{1,3})$/.exec(customId)?.[1];
  return rank === undefined ? undefined : Number(rank);
}

/** One answer on screen: the question it answers, the passage, and where that passage ranks. */
export interface AnswerView {
  readonly question: string;
  readonly passage: ExplainedPassage;
  readonly position: MatchPosition;
}

export interface AnswerMessage {
  embeds: APIEmbed[];
  components: ButtonRow[];
}

/** The ranked passages of a question, as many as "Next match" walks through. */
export function matchesFor(library: Library, question: string): Promise<Answer> {
  return library.answer(question, { top: MATCHES_PER_QUESTION });
}

/** The answer at `rank`, or undefined when the sources do not answer the question (or have fewer matches). */
export function rankedView(question: string, answer: Answer, rank: number): AnswerView | undefined {
  const passage = answer.answered ? answer.results[rank] : undefined;
  return passage && { question, passage, position: { rank, total: answer.results.length } };
}

/** A passage the member picked (a suggestion, or one of several matches), placed in its question's ranking. */
export function pickedView(library: Library, question: string, answer: Answer, passage: Passage): AnswerView {
  const total = answer.answered ? answer.results.length : 0;
  const rank = answer.results.findIndex((result) => result.id === passage.id);
  const ranked = answer.results[rank];
  if (ranked && answer.answered) return { question, passage: ranked, position: { rank, total } };
  // A passage the sources gave as related: its focused quote, placed as the closest of the matches.
  if (ranked) return { question, passage: ranked, position: { rank, total: answer.results.length } };
  return { question, passage: { ...passage, ...library.explain(passage, question) }, position: { rank: undefined, total } };
}

function pageButtons({ rank, total }: MatchPosition): APIButtonComponentWithCustomId[] {
  const previous = button(pageCustomId('previous', Math.max(0, (rank ?? 0) - 1)), 'Previous', ButtonStyle.Secondary, {
    disabled: rank === undefined || rank === 0,
  });
  const nextRank = rank === undefined ? 0 : rank + 1;
  const next = button(pageCustomId('next', Math.min(nextRank, Math.max(0, total - 1))), 'Next match', ButtonStyle.Primary, {
    disabled: nextRank >= total,
  });
  return [previous, next];
}

/**
 * A passage on the subject that does not answer the question as asked: its embed and Show source, never paging
 * (the other matches are no answer either) nor a Pin.
 */
export function relatedMessage(view: AnswerView, sourceBaseUrl: string | undefined): AnswerMessage {
  return {
    embeds: [answerEmbed(view.question, view.passage, view.position, sourceBaseUrl)],
    components: [buttonRow([showSourceButton(view.passage.id)])],
  };
}

/**
 * The answer message: its embed, then Previous / Next match / Show source; a public answer also gets 📌 Pin and, on
 * a second row (Discord allows five buttons a row), Helpful / Not helpful.
 */
export function answerMessage(view: AnswerView, sourceBaseUrl: string | undefined, isPublic: boolean): AnswerMessage {
  const row = buttonRow([
    ...pageButtons(view.position),
    showSourceButton(view.passage.id),
    ...(isPublic ? [pinButton()] : []),
  ]);
  return {
    embeds: [answerEmbed(view.question, view.passage, view.position, sourceBaseUrl)],
    components: isPublic ? [row, feedbackRow(view.passage.id)] : [row],
  };
}

/** "Next match" and "Previous": the same question's other ranked passages, in place of the current one. */
export default {
  family: FAMILY,
  async execute(interaction, { library, sourceBaseUrl }) {
    const rank = parsePageCustomId(interaction.customId);
    if (rank === undefined) return replyPrivately(interaction, OUT_OF_DATE);
    const { message } = interaction;
    if (message.pinned) {
      return replyPrivately(interaction, PINNED_STAYS);
    }
    const question = questionFromTitle(message.title);
    const answer = await matchesFor(library, question);
    const view = rankedView(question, answer, rank);
    if (!view) {
      return replyPrivately(interaction, MATCH_GONE);
    }
    await interaction.update(answerMessage(view, sourceBaseUrl, !message.ephemeral));
    return { answered: true };
  },
} satisfies ButtonHandler;
