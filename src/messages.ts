/**
 * Every sentence a member or moderator reads, in one place, so that the bot speaks with one voice and a wording
 * change is one edit. Transports escape them for their own markup where they hold a member's text.
 */
import type { UnansweredReason } from './answer/answer.js';

/* ---------- answers ---------- */

export const NOT_IN_SOURCES = "I couldn't find that in the sources.";

export const WHY_NOT_IN_SOURCES: Record<UnansweredReason, string> = {
  'empty-question': 'Your question has no words to search for: try asking with a few words.',
  'no-known-words': 'None of its words appear in the sources.',
  'weak-match': 'Some of its words appear, but no passage answers it.',
  'off-subject': 'Some of its words appear, but nothing in the sources is about it.',
  'not-focused': 'The sources speak of this, but no passage answers it as asked.',
};

export const CLOSEST_SOURCES = 'The closest sources, in case they help:';

/** Above a passage on the question's subject that does not answer it as asked (the verdict `related`). */
export const RELATED_ANSWER = "The sources don't answer that directly. The closest passage:";

/** Find in sources, when the closest passages speak of the claim without confirming it. */
export const RELATED_CLAIM = "The sources speak of this but don't confirm it. The closest passages:";

export const RELATED_POST_LABEL = 'Post anyway';

export const SOURCES_LIST_HINT = '`/sources` lists everything I can quote from.';

/** Under an answer found by words alone while the sources are still being read for meaning (hybrid search). */
export const BY_WORDS_WHILE_READING =
  '(Found by words only: the sources are still being read for meaning, which may find a better passage.)';

export const PICKED_FROM_SUGGESTIONS = 'Picked from the suggestions';

export function matchOf(rank: number, total: number): string {
  return `Match ${rank + 1} of ${total}`;
}

export function suggestedFor(mention: string): string {
  return `Suggested for ${mention}`;
}

/* ---------- buttons and menus ---------- */

/** Said when a button or a suggestion names a passage that a reindex removed. */
export const PASSAGE_GONE = 'That passage is no longer in the sources (they changed since). Ask again with `/ask`.';

/** Said for a command this version of the bot does not have (Discord still offers it until commands are deployed). */
export const UNKNOWN_COMMAND = "I don't know this command any more. It may have been removed in an update.";

/** Said for a button whose custom_id this version of the bot does not understand. */
export const OUT_OF_DATE = 'This button is out of date. Ask again with `/ask`.';

export const MATCH_GONE = 'That match is no longer in the sources (they changed since). Ask again with `/ask`.';

export const PINNED_STAYS = 'This answer is pinned, so it stays as it is. Ask again with `/ask` to see other matches.';

export const NO_TEXT_TO_LOOK_UP = 'That message has no text to look up.';

export const NOT_A_MODERATOR =
  'Only members with the **Pin Messages** permission can pin answers. Ask a moderator to pin it.';

export const ALREADY_PINNED = 'This answer is already pinned.';

export const PINS_FULL =
  'This channel already has 250 pinned messages, the most Discord allows. Unpin an older one, then press 📌 Pin again.';

export function cannotPin(missing: readonly string[]): string {
  const names = missing.map((name) => `**${name}**`).join(' and ');
  return (
    `I can't pin in this channel: I need ${names} here. ` +
    `A server admin can grant ${missing.length === 1 ? 'it' : 'them'} to my role in the channel's settings ` +
    '(Edit Channel → Permissions).'
  );
}

/* ---------- sources ---------- */

export const NO_SOURCES = 'The data folder has no sources.';

export const WHOLE_SOURCE_ATTACHED = 'The whole source is attached.';

export function sourceTooLarge(size: string): string {
  return `The source is too large to attach here (${size}).`;
}

/** A web page's snapshot attached in place of the page: `retrieved` is a date (YYYY-MM-DD). */
export function snapshotAttached(retrieved: string | undefined): string {
  return retrieved === undefined
    ? 'A web page: the copy answers are quoted from is attached.'
    : `A web page: the copy answers are quoted from, retrieved ${retrieved}, is attached.`;
}

/** The file on disk (or a web page's snapshot) is no longer the version the passages were read from. */
export const SOURCE_CHANGED =
  'The file has changed since it was read, so it is not attached: it is being read again. Try again in a moment.';

/** `/sources`, a listed web page whose last fetch failed, still answered from its last copy; dates as YYYY-MM-DD. */
export function webPageFailing(problem: string, tried: string | undefined, retrieved: string | undefined): string {
  return (
    `⚠️ failing: ${problem}${tried === undefined ? '' : ` (tried ${tried})`}` +
    (retrieved === undefined ? '' : ` · answering from the copy retrieved ${retrieved}`)
  );
}

/** `/sources`, a listed web page with no copy to answer from. */
export function webPageUnserved(problem: string, listedIn: string): string {
  return `⚠️ not searchable: ${problem} (listed in ${listedIn})`;
}

/** `/sources` footer: how many listed web pages fail. */
export function failingWebPages(count: number): string {
  return count === 1 ? '1 web page failing' : `${count} web pages failing`;
}

/** `name` and `file` as the member will see them: already escaped for the transport's markup. */
export function noSuchSource(name: string): string {
  return `No source is called “${name}”. \`/sources\` lists them.`;
}

export function lineIsPastEnd(file: string, lines: number, line: number): string {
  return `${file} has ${lines} lines: line ${line} is past its end.`;
}

export function noPassageToQuote(file: string): string {
  return `${file} has no passage to quote.`;
}

/* ---------- faults and fair use ---------- */

export const SOMETHING_WENT_WRONG = 'Something went wrong on my side, sorry. It has been logged; please try again.';

export function slowDown(share: string, windowSeconds: number, retrySeconds: number): string {
  return `Slow down — you get ${share} every ${windowSeconds} s. Try again in ${retrySeconds} s.`;
}

/* ---------- pinned answers, unanswered questions, feedback ---------- */

/** Under a pinned answer whose quoted text changed in its source, or whose source was removed. */
export const SOURCE_CHANGED_SINCE_PINNED =
  '⚠️ The source has changed since this answer was pinned. The quote above is as it was then; ' +
  '**Current answer** shows what the sources say now.';

/** After a pin, when the database is unavailable. */
export const PIN_NOT_TRACKED =
  "Pinned. I can't keep this pin up to date when the sources change, though: my database is unavailable right now.";

/** /gaps and the vote buttons, when the database is unavailable. */
export const STORAGE_UNAVAILABLE =
  "Sorry, that isn't available right now: my database can't be used. The bot's log says why; answers still work.";

/** "Helpful" / "Not helpful" pressed outside a server (the playground page). */
export const VOTES_IN_SERVERS_ONLY = 'Votes are counted only on answers in a Discord server.';

/** Said privately to a member who pressed "Helpful" or "Not helpful". */
export function voteNote(result: 'recorded' | 'changed' | 'unchanged', helpful: boolean): string {
  const verdict = helpful ? 'helpful' : 'not helpful';
  if (result === 'recorded') return `Thanks: your vote (${verdict}) is counted.`;
  if (result === 'changed') return `Your vote is changed to ${verdict}.`;
  return `You have already voted ${verdict} on this answer: each member votes once per answer. Press the other button to change your vote.`;
}

/** /gaps: its title, what it says when nothing is recorded, its footer and the heading of the passages voted down. */
export function gapsTitle(days: number): string {
  return `Questions the sources did not answer · last ${days === 1 ? 'day' : `${days} days`}`;
}

export function gapsEmpty(days: number): string {
  return `No unanswered question was recorded in the last ${days === 1 ? 'day' : `${days} days`}.`;
}

export function gapsFooter(page: number, pages: number, questions: number): string {
  return `Page ${page + 1} of ${pages} · ${questions === 1 ? '1 question' : `${questions} questions`} asked · near-duplicates grouped`;
}

export const NOT_HELPFUL_HEADING = 'Passages most often voted not helpful';
