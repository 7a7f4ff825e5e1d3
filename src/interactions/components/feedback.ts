import { createHash } from 'node:crypto';
import { ButtonStyle } from 'discord-api-types/v10';
import type { ButtonHandler } from '../context.js';
import { replyPrivately } from '../replies.js';
import { OUT_OF_DATE, STORAGE_UNAVAILABLE, voteNote, VOTES_IN_SERVERS_ONLY } from '../../messages.js';
import { button, buttonRow, type ButtonRow } from './buttons.js';

const FAMILY = 'vote';

/** `vote:up:<passage id>` / `vote:down:<passage id>`: the passage voted on, so the buttons outlive a restart. */
export function voteCustomId(helpful: boolean, passageId: string): string {
  return `${FAMILY}:${helpful ? 'up' : 'down'}:${passageId}`;
}

export function parseVoteCustomId(customId: string): { helpful: boolean; passageId: string } | undefined {
  const match = /^vote:(up|down):([0-9a-f]{16})$/.exec(customId);
  return match ? { helpful: match[1] === 'up', passageId: match[2] as string } : undefined;
}

/** "Helpful" and "Not helpful", on a row of their own: an answer's first row already holds four buttons. */
export function feedbackRow(passageId: string): ButtonRow {
  return buttonRow([
    button(voteCustomId(true, passageId), 'Helpful', ButtonStyle.Secondary, { emoji: '👍' }),
    button(voteCustomId(false, passageId), 'Not helpful', ButtonStyle.Secondary, { emoji: '👎' }),
  ]);
}

/**
 * Who voted is kept only as a salted hash of the member and the message: enough to count one vote per member per
 * answer, never a member id. The salt is made once per database (see Store.voteSalt).
 */
function voterHash(salt: string, memberId: string, messageId: string): string {
  return createHash('sha256').update(`${salt}:${memberId}:${messageId}`).digest('hex');
}

/** "Helpful" / "Not helpful": one vote per member per answer; pressing the other button changes it. */
export default {
  family: FAMILY,
  async execute(interaction, { library, store }) {
    const vote = parseVoteCustomId(interaction.customId);
    if (!vote) return replyPrivately(interaction, OUT_OF_DATE);
    // The playground page shows answers as Discord would, but it is no server and has no members to count.
    if (interaction.guildId === undefined) return replyPrivately(interaction, VOTES_IN_SERVERS_ONLY);
    if (!store) return replyPrivately(interaction, STORAGE_UNAVAILABLE);
    const passage = library.passage(vote.passageId);
    const { id: messageId } = interaction.message;
    const result = await store.vote({
      voter: voterHash(await store.voteSalt(), interaction.user.id, messageId),
      messageId,
      passageId: vote.passageId,
      // A passage that left the sources since the answer is still counted, by its id.
      file: passage?.file ?? '',
      lines: passage?.lines ?? [0, 0],
      helpful: vote.helpful,
      votedAt: new Date(),
    });
    await replyPrivately(interaction, voteNote(result, vote.helpful));
  },
} satisfies ButtonHandler;
