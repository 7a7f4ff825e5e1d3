import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import type { SlashCommand } from '../context.js';
import { sourcesMessage } from '../components/sources-pages.js';

export default {
  data: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('List every source I quote from: file, title and number of passages')
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, { library }) {
    await interaction.reply({ ...sourcesMessage(library, 0), ephemeral: true });
  },
} satisfies SlashCommand;
