import type { RepliableInteraction } from './port.js';

/** A short message only the member who acted sees. */
export async function replyPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  await interaction.reply({ content, ephemeral: true });
}
