import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import type { SlashCommand } from '../context.js';
import { gapsMessage } from '../components/gaps-pages.js';
import { replyPrivately } from '../replies.js';
import { STORAGE_UNAVAILABLE } from '../../messages.js';

/** The most days /gaps looks back over: questions are kept RECORD_DAYS at most anyway (range 1–3,650). */
const MAX_DAYS = 3650;

/**
 * `/gaps [days]`: the questions the sources did not answer, most often asked first, and the passages voted "not
 * helpful". For moderators: admins by default (`default_member_permissions: "0"`, as /reindex), which a server can
 * open to a role in its integration settings. Private, and paged.
 */
export default {
  data: new SlashCommandBuilder()
    .setName('gaps')
    .setDescription('The questions the sources did not answer, and the answers voted not helpful')
    .setDefaultMemberPermissions(0)
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) =>
      option.setName('days').setDescription('How many days to look back (default: all that are kept)').setMinValue(1).setMaxValue(MAX_DAYS),
    ),

  async execute(interaction, { library, store, recordDays }) {
    if (!store) return replyPrivately(interaction, STORAGE_UNAVAILABLE);
    const days = Math.min(interaction.options.integer('days') ?? recordDays, MAX_DAYS);
    await interaction.reply({ ...(await gapsMessage(store, library, days, 0)), ephemeral: true });
  },
} satisfies SlashCommand;
