import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import type { ReloadResult } from '../../reload.js';
import type { SlashCommand } from '../context.js';

function count(value: number, one: string, many: string): string {
  return `**${value.toLocaleString('en-GB')}** ${value === 1 ? one : many}`;
}

/** "(+2)", "(−1)", or nothing when unchanged. */
function change(now: number, before: number): string {
  if (now === before) return '';
  return now > before ? ` (+${now - before})` : ` (−${before - now})`;
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** What `/reindex` tells the admin. Failures name no path or error: the log has them, the admin may not run the bot. */
export function reindexReport(result: ReloadResult): string {
  const { library } = result;
  if (!result.ok) {
    return (
      "I couldn't read the sources again, so I'm still answering from the ones indexed before: " +
      `${count(library.sources.length, 'source', 'sources')} and ${count(library.passages.length, 'passage', 'passages')}. ` +
      "The bot's log says what went wrong."
    );
  }
  const { previous } = result;
  const lines = [
    `Reindexed in ${duration(result.tookMs)}: ` +
      `${count(library.sources.length, 'source', 'sources')}${change(library.sources.length, previous.sources.length)} and ` +
      `${count(library.passages.length, 'passage', 'passages')}${change(library.passages.length, previous.passages.length)}.`,
  ];
  if (result.warnings > 0) {
    const warnings = result.warnings === 1 ? '1 warning' : `${result.warnings} warnings`;
    lines.push(`The bot's log has ${warnings} about the files (skipped, or read with a fallback encoding).`);
  }
  return lines.join('\n');
}

/**
 * `/reindex`: reads the data folder again now, without waiting for the watcher, and reports what is indexed.
 * Admins only by default (`default_member_permissions: "0"`); a server can open it to a role in its integration
 * settings, and Discord enforces that, so the handler does not check again.
 */
export default {
  data: new SlashCommandBuilder()
    .setName('reindex')
    .setDescription('Read the sources again now and report what is indexed')
    .setDefaultMemberPermissions(0)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, { reindex }) {
    // A large data folder takes longer to index than the 3 s Discord gives a first response.
    await interaction.defer({ ephemeral: true });
    await interaction.editOriginal({ content: reindexReport(await reindex()) });
  },
} satisfies SlashCommand;
