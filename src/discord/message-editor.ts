/**
 * The message editor port (src/interactions/port.ts) over @discordjs/rest, with the bot's token: discord.js's own
 * client's REST for the gateway transport, the HTTP server's for the interactions endpoint. Every request waits its
 * turn in the REST queue, which keeps to the rate limits Discord announces in its headers and waits out any 429.
 */
import type { REST } from '@discordjs/rest';
import { Routes, type RESTGetAPIChannelMessagesPinsResult, type RESTPatchAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { MessageEditor, OutgoingMessage } from '../interactions/port.js';

/** Discord lists a channel's pins 50 at a time at most. https://discord.com/developers/docs/resources/message#get-channel-pins */
const PINS_PAGE_LIMIT = 50;

function editBody(message: OutgoingMessage): RESTPatchAPIChannelMessageJSONBody {
  return {
    ...(message.content !== undefined && { content: message.content }),
    ...(message.embeds && { embeds: [...message.embeds] }),
    ...(message.components && { components: [...message.components] }),
    // An edit echoes source text: it pings no one.
    allowed_mentions: message.allowedMentions ?? { parse: [] },
  };
}

export function restMessageEditor(rest: REST): MessageEditor {
  return {
    async editMessage(channelId, messageId, message) {
      await rest.patch(Routes.channelMessage(channelId, messageId), { body: editBody(message) });
    },
    async pinnedMessageIds(channelId) {
      const ids = new Set<string>();
      let before: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ limit: String(PINS_PAGE_LIMIT), ...(before && { before }) });
        const page = (await rest.get(Routes.channelMessagesPins(channelId), { query })) as RESTGetAPIChannelMessagesPinsResult;
        for (const { message } of page.items) ids.add(message.id);
        const last = page.items.at(-1);
        if (!page.has_more || last === undefined) return ids;
        before = last.pinned_at;
      }
    },
  };
}
