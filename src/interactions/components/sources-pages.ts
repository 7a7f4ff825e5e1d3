import { ButtonStyle, type APIEmbed } from 'discord-api-types/v10';
import type { Library } from '../../library.js';
import type { ButtonHandler } from '../context.js';
import { describeSearch } from '../../semantic/progress.js';
import { pageCount, sourcesPageEmbed, SOURCES_PER_PAGE, type SourceEntry } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { OUT_OF_DATE } from '../../messages.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';

const FAMILY = 'sources';

/** `sources:next:2`: the page to show, computed afresh from the sources on every press. */
function pageCustomId(direction: 'previous' | 'next', page: number): string {
  return `${FAMILY}:${direction}:${page}`;
}

function parsePageCustomId(customId: string): number | undefined {
  const page = /^sources:(?:previous|next):(\d{1,6})$/.exec(customId)?.[1];
  return page === undefined ? undefined : Number(page);
}

/** A page of `/sources`, with Previous / Next when the sources take more than one page. */
export function sourcesMessage(
  library: Library,
  requestedPage: number,
): { embeds: APIEmbed[]; components: ButtonRow[] } {
  const entries: SourceEntry[] = [
    ...library.sources.map((source) => ({ source, passageCount: library.passagesOf(source.file).length })),
    ...library.unservedPages.map((unserved) => ({ unserved })),
  ];
  const pages = pageCount(entries.length, SOURCES_PER_PAGE);
  const page = Math.min(requestedPage, pages - 1);
  // In hybrid mode, whether answers are by meaning yet: for a while after a start or a change, they are by words only.
  const search = library.searchStatus.mode === 'hybrid' ? describeSearch(library.searchStatus) : undefined;
  const embeds = [sourcesPageEmbed(entries, page, search)];
  if (pages === 1) return { embeds, components: [] };
  const row = buttonRow([
    button(pageCustomId('previous', Math.max(0, page - 1)), 'Previous', ButtonStyle.Secondary, { disabled: page === 0 }),
    button(pageCustomId('next', Math.min(page + 1, pages - 1)), 'Next', ButtonStyle.Secondary, {
      disabled: page === pages - 1,
    }),
  ]);
  return { embeds, components: [row] };
}

export default {
  family: FAMILY,
  async execute(interaction, { library }) {
    const page = parsePageCustomId(interaction.customId);
    if (page === undefined) return replyPrivately(interaction, OUT_OF_DATE);
    await interaction.update(sourcesMessage(library, page));
  },
} satisfies ButtonHandler;
