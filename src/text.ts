/** Cutting text for display, the same way wherever citebot shows it: a terminal, Discord, a page. */

/** Marks every cut citebot makes in a text it shows. */
export const ELLIPSIS = '…';

/** Splits text into the characters a reader sees (an emoji with its modifiers is one). */
export const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` no longer than `limit` that does not split a character (emoji and accents included). */
function cutAtCharacter(text: string, limit: number): string {
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > limit) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * `text` if it fits in `limit`, else its longest start that ends at a word boundary, less trailing punctuation that
 * would dangle before the cut, followed by "…". A first word longer than the limit is cut between characters.
 */
export function cutAtWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const room = limit - ELLIPSIS.length;
  // The character just past the room may be the space that ends a word that fits exactly.
  const lastSpace = text.slice(0, room + 1).search(/\s\S*$/);
  const kept = lastSpace > 0 ? text.slice(0, lastSpace).replace(/[\s,;:–—-]+$/, '') : '';
  return (kept || cutAtCharacter(text, room)) + ELLIPSIS;
}

/** Runs of whitespace (line breaks included) as single spaces: for one-line places such as titles and choice names. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
