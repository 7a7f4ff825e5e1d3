/**
 * An interaction's webhook: what is sent after the first response (the deferred answer filled in, a follow-up, the
 * answer deleted), with the interaction's token as the credential. Both transports send these the same way.
 */
import { REST, type RESTOptions } from '@discordjs/rest';
import { MessageFlags, Routes, type RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10';
import type { NewMessage, OutgoingMessage } from '../interactions/port.js';

/**
 * A REST client for interactions' webhooks alone. Discord does not count them toward a bot's global limit of 50
 * requests a second ("Interaction endpoints are not bound to the bot's Global Rate Limit", topics/rate-limits), but
 * @discordjs/rest holds every request that is not an interaction callback to it. With the bot's other requests, a
 * burst of deferred answers was filled in at the client's pace, not Discord's. This client has no global limit of its
 * own; each interaction's bucket, as Discord tells it in its X-RateLimit headers, and a global 429 are still obeyed.
 */
export function createInteractionWebhookRest(options: Partial<RESTOptions> = {}): REST {
  return new REST({ ...options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
}

/**
 * The message as Discord's JSON, for a webhook or an interaction response; files travel beside it, each announced in
 * `attachments`.
 */
export function messageBody(
  message: OutgoingMessage,
  flags?: number,
): RESTPostAPIWebhookWithTokenJSONBody & { flags?: number } {
  return {
    ...(message.content !== undefined && { content: message.content }),
    ...(message.embeds && { embeds: [...message.embeds] }),
    ...(message.components && { components: [...message.components] }),
    // Replies echo member and source text: nothing pings unless a message names its user explicitly.
    allowed_mentions: message.allowedMentions ?? { parse: [] },
    ...(message.files && { attachments: message.files.map(({ name }, id) => ({ id, filename: name })) }),
    ...(flags !== undefined && { flags }),
  };
}

export function webhookFiles(message: OutgoingMessage) {
  return message.files?.map(({ name, data }) => ({ name, data }));
}

export const ephemeralFlags = (ephemeral: boolean | undefined): number | undefined =>
  ephemeral ? MessageFlags.Ephemeral : undefined;

/** One interaction's webhook, through `rest` (see createInteractionWebhookRest), without the bot's token. */
export class InteractionWebhook {
  readonly #rest: REST;
  readonly #applicationId: string;
  readonly #token: string;

  constructor(rest: REST, applicationId: string, token: string) {
    this.#rest = rest;
    this.#applicationId = applicationId;
    this.#token = token;
  }

  async editOriginal(message: OutgoingMessage): Promise<void> {
    await this.#rest.patch(Routes.webhookMessage(this.#applicationId, this.#token, '@original'), {
      body: messageBody(message),
      files: webhookFiles(message),
      auth: false,
    });
  }

  async deleteOriginal(): Promise<void> {
    await this.#rest.delete(Routes.webhookMessage(this.#applicationId, this.#token, '@original'), { auth: false });
  }

  async followUp(message: NewMessage): Promise<void> {
    await this.#rest.post(Routes.webhook(this.#applicationId, this.#token), {
      body: messageBody(message, ephemeralFlags(message.ephemeral)),
      files: webhookFiles(message),
      query: new URLSearchParams({ wait: 'true' }),
      auth: false,
    });
  }
}
