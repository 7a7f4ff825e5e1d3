import type { Passage } from '../../corpus/types.js';
import { citationLabel } from '../../answer/citation.js';
import { escapeText } from '../text.js';

export function sourceUrl(baseUrl: string, file: string, [first, last]: Passage['lines']): string {
  // encodeURIComponent leaves parentheses alone, and a ")" would end a markdown link early.
  const path = file
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  return `${baseUrl}/${path}#L${first}-L${last}`;
}

/** The core's citation, made safe for Discord, and a link to the lines when a base URL is configured. */
export function citation(passage: Pick<Passage, 'file' | 'title' | 'lines'>, sourceBaseUrl: string | undefined): string {
  const label = escapeText(citationLabel(passage));
  return sourceBaseUrl ? `[${label}](${sourceUrl(sourceBaseUrl, passage.file, passage.lines)})` : label;
}
