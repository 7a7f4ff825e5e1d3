import type { Passage, Place } from '../../corpus/types.js';
import { citationLabel, citationLink } from '../../answer/citation.js';
import { escapeText } from '../text.js';

/** A link made safe for a markdown link's target: a ")" or a space would end it early. */
export function markdownLinkTarget(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The core's citation, made safe for Discord, as a link to the passage's place when there is one (see
 * citationLink: a page's own address, or the file under `sourceBaseUrl` at its page, heading or lines).
 */
export function citation(
  passage: Pick<Passage, 'file' | 'title' | 'lines'> & Place,
  sourceBaseUrl: string | undefined,
): string {
  const label = escapeText(citationLabel(passage));
  const link = citationLink(passage, sourceBaseUrl);
  return link === undefined ? label : `[${label}](${markdownLinkTarget(link)})`;
}
