import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import type { Source } from '../../corpus/types.js';
import type { Library } from '../../library.js';
import type { SlashCommand } from '../context.js';
import { originalAttachment } from '../attachments.js';
import { AUTOCOMPLETE_CHOICE_LIMIT, AUTOCOMPLETE_CHOICES_LIMIT } from '../../discord/limits.js';
import { lineCount, sourceEmbed } from '../../discord/render/embeds.js';
import { replyPrivately } from '../replies.js';
import { collapseWhitespace, cutAtWord } from '../../text.js';
import { escapeText } from '../../discord/text.js';
import { lineIsPastEnd, noPassageToQuote, noSuchSource } from '../../messages.js';

/** A file name the member typed is echoed back in an error, briefly. */
const NAME_SHOWN_CHARS = 100;

/** The source a member named: its exact path, else the one source whose path or file name matches regardless of case. */
function findSource(library: Library, name: string): Source | undefined {
  const exact = library.source(name);
  if (exact) return exact;
  const wanted = name.toLowerCase();
  const matches = library.sources.filter(
    ({ file }) => file.toLowerCase() === wanted || file.split('/').at(-1)?.toLowerCase() === wanted,
  );
  return matches.length === 1 ? matches[0] : undefined;
}

export default {
  data: new SlashCommandBuilder()
    .setName('source')
    .setDescription('Show a source: its title, its size and the passage at a line, with the file attached')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option.setName('file').setDescription('The source file (see /sources)').setRequired(true).setAutocomplete(true),
    )
    .addIntegerOption((option) =>
      option.setName('line').setDescription('Show the passage at this line (default: the first)').setMinValue(1),
    ),

  async execute(interaction, { library, sourceBaseUrl }) {
    const name = interaction.options.string('file') ?? '';
    const line = interaction.options.integer('line');
    const source = findSource(library, name.trim());
    if (!source) {
      return replyPrivately(interaction, noSuchSource(escapeText(cutAtWord(name, NAME_SHOWN_CHARS))));
    }
    const lines = lineCount(source.text);
    if (line !== undefined && line > lines) {
      return replyPrivately(interaction, lineIsPastEnd(escapeText(source.file), lines, line));
    }
    const passages = library.passagesOf(source.file);
    const passage = line === undefined ? passages[0] : library.passageAtLine(source.file, line);
    if (!passage) return replyPrivately(interaction, noPassageToQuote(escapeText(source.file)));
    const { files, note } = await originalAttachment(library, source);
    await interaction.reply({ embeds: [sourceEmbed(source, passage, passages.length, sourceBaseUrl, note)], files });
  },

  async autocomplete(interaction, { library }) {
    const typed = interaction.focused.trim().toLowerCase();
    const choices = library.sources
      // A choice's value is at most 100 characters: a longer path can still be typed in full.
      .filter(({ file }) => file.length <= AUTOCOMPLETE_CHOICE_LIMIT)
      .filter(({ file, title }) => file.toLowerCase().includes(typed) || title.toLowerCase().includes(typed))
      .slice(0, AUTOCOMPLETE_CHOICES_LIMIT)
      .map(({ file, title }) => ({
        name: cutAtWord(collapseWhitespace(`${file} · ${title}`), AUTOCOMPLETE_CHOICE_LIMIT),
        value: file,
      }));
    await interaction.respond(choices);
  },
} satisfies SlashCommand;
