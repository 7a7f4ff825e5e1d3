import { cutAtWord } from '../../text.js';
import { sentenceRanges } from '../sentences.js';

/** Titles longer than this are cut: a source whose first line is a whole paragraph still gets a readable title. */
const MAX_TITLE_CHARS = 120;

/** A title from a line or a paragraph: white space collapsed, cut to its first sentence, then to MAX_TITLE_CHARS. */
export function cutTitle(text: string): string {
  const title = text.replace(/\s+/g, ' ').trim();
  if (title.length <= MAX_TITLE_CHARS) return title;
  const firstSentence = sentenceRanges(title)[0];
  return cutAtWord(firstSentence ? title.slice(...firstSentence) : title, MAX_TITLE_CHARS);
}
