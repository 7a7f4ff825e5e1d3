import { ButtonStyle, type APIEmbed } from 'discord-api-types/v10';
import { citationLabel, describeLines } from '../../answer/citation.js';
import type { Library } from '../../library.js';
import { analyze } from '../../search/analyzer.js';
import type { PassageVotes, RecordedQuestion, Store } from '../../store/store.js';
import type { ButtonHandler } from '../context.js';
import { EMBED_FIELD_VALUE_LIMIT } from '../../discord/limits.js';
import { pageCount } from '../../discord/render/embeds.js';
import { escapeText } from '../../discord/text.js';
import { replyPrivately } from '../replies.js';
import { collapseWhitespace, cutAtWord } from '../../text.js';
import { gapsEmpty, gapsFooter, gapsTitle, NOT_HELPFUL_HEADING, OUT_OF_DATE, STORAGE_UNAVAILABLE } from '../../messages.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';

const FAMILY = 'gaps';
/** Groups of questions on one page of /gaps. */
export const GAPS_PER_PAGE = 10;
/** Passages voted "not helpful" listed under the questions. */
const NOT_HELPFUL_SHOWN = 5;
/** A question is shown cut to this many characters: enough to recognise it, ten to a page within the embed limit. */
const QUESTION_SHOWN_CHARS = 200;
const DAY_MS = 86_400_000;

/** Questions asked in other words but with the same analysed terms ("How do I report?" / "how to report"). */
export interface QuestionGroup {
  /** The latest wording. */
  readonly question: string;
  readonly count: number;
  readonly lastAskedAt: Date;
}

/**
 * Near-duplicates grouped by their analysed terms (the search analyzer: stop words dropped, words stemmed, order
 * ignored), most often asked first, then most recently.
 */
export function groupQuestions(questions: readonly RecordedQuestion[]): QuestionGroup[] {
  const groups = new Map<string, { question: string; count: number; lastAskedAt: Date }>();
  for (const recorded of questions) {
    const terms = [...new Set(analyze(recorded.question))].sort().join(' ');
    const key = terms === '' ? collapseWhitespace(recorded.question).toLowerCase() : terms;
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { question: recorded.question, count: 1, lastAskedAt: recorded.askedAt });
    } else {
      group.count++;
      if (recorded.askedAt > group.lastAskedAt) Object.assign(group, { question: recorded.question, lastAskedAt: recorded.askedAt });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.lastAskedAt.getTime() - a.lastAskedAt.getTime());
}

/** Discord's relative timestamp ("3 days ago"), shown in each member's own time zone. */
function relativeTime(date: Date): string {
  return `<t:${Math.floor(date.getTime() / 1000)}:R>`;
}

function passageLabel(library: Library, votes: PassageVotes): string {
  const passage = library.passage(votes.passageId);
  if (passage) return escapeText(citationLabel(passage));
  if (votes.file === '') return 'a passage no longer in the sources';
  return `${escapeText(`📄 ${votes.file} · ${describeLines(votes.lines)}`)} (no longer in the sources)`;
}

function notHelpfulField(library: Library, passages: readonly PassageVotes[]): APIEmbed['fields'] {
  if (passages.length === 0) return [];
  const lines = passages.map((votes) => `**${votes.notHelpful}×** ${passageLabel(library, votes)} · last ${relativeTime(votes.lastVotedAt)}`);
  let value = '';
  for (const line of lines) {
    if (value.length + line.length + 1 > EMBED_FIELD_VALUE_LIMIT) break;
    value += `${value ? '\n' : ''}${line}`;
  }
  return [{ name: NOT_HELPFUL_HEADING, value }];
}

/** `gaps:next:30:2`: the days looked back over and the page, so that the buttons work after a restart. */
function pageCustomId(direction: 'previous' | 'next', days: number, page: number): string {
  return `${FAMILY}:${direction}:${days}:${page}`;
}

function parsePageCustomId(customId: string): { days: number; page: number } | undefined {
  const match = /^gaps:(?:previous|next):(\d{1,4}):(\d{1,6})$/.exec(customId);
  return match ? { days: Number(match[1]), page: Number(match[2]) } : undefined;
}

/** A page of /gaps: the unanswered questions of the last `days` days, grouped, and the passages voted not helpful. */
export async function gapsMessage(
  store: Store,
  library: Library,
  days: number,
  requestedPage: number,
): Promise<{ embeds: APIEmbed[]; components: ButtonRow[] }> {
  const since = new Date(Date.now() - days * DAY_MS);
  const [questions, notHelpful] = await Promise.all([store.questionsSince(since), store.notHelpfulPassages(since, NOT_HELPFUL_SHOWN)]);
  const groups = groupQuestions(questions);
  const pages = pageCount(groups.length, GAPS_PER_PAGE);
  const page = Math.min(requestedPage, pages - 1);
  const shown = groups.slice(page * GAPS_PER_PAGE, (page + 1) * GAPS_PER_PAGE);
  const description =
    shown.length === 0
      ? gapsEmpty(days)
      : shown
          .map(
            (group) =>
              `**${group.count}×** ${escapeText(cutAtWord(collapseWhitespace(group.question), QUESTION_SHOWN_CHARS))} · last asked ${relativeTime(group.lastAskedAt)}`,
          )
          .join('\n');
  const embed: APIEmbed = {
    title: gapsTitle(days),
    description,
    fields: notHelpfulField(library, notHelpful),
    footer: { text: gapsFooter(page, pages, questions.length) },
  };
  if (pages === 1) return { embeds: [embed], components: [] };
  const row = buttonRow([
    button(pageCustomId('previous', days, Math.max(0, page - 1)), 'Previous', ButtonStyle.Secondary, { disabled: page === 0 }),
    button(pageCustomId('next', days, Math.min(page + 1, pages - 1)), 'Next', ButtonStyle.Secondary, { disabled: page === pages - 1 }),
  ]);
  return { embeds: [embed], components: [row] };
}

export default {
  family: FAMILY,
  async execute(interaction, { library, store }) {
    const parsed = parsePageCustomId(interaction.customId);
    if (parsed === undefined) return replyPrivately(interaction, OUT_OF_DATE);
    if (!store) return replyPrivately(interaction, STORAGE_UNAVAILABLE);
    await interaction.update(await gapsMessage(store, library, parsed.days, parsed.page));
  },
} satisfies ButtonHandler;
