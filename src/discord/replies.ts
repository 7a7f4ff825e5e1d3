import { MessageFlags, type RepliableInteraction } from 'discord.js';

/** Said when a button or a suggestion names a passage that a reindex removed. */
export const PASSAGE_GONE = 'That passage is no longer in the sources (they changed since). Ask again with `/ask`.';

/** Said for a button whose custom_id this version of the bot does not understand. */
export const OUT_OF_DATE = 'This button is out of date. Ask again with `/ask`.';

/** A short message only the member who acted sees. */
export async function replyPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
