import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../context.js';
import { sourcesMessage } from '../components/sources-pages.js';

export default {
  data: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('List every source I quote from: file, title and number of passages')
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, { library }) {
    await interaction.reply({ ...sourcesMessage(library, 0), flags: MessageFlags.Ephemeral });
  },
} satisfies SlashCommand;
