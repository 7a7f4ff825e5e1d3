import {
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  type APIAuthorizingIntegrationOwnersMap,
  type APIMessage,
  type APIUser,
} from 'discord-api-types/v10';
import {
  alreadyAcknowledged,
  ApiError,
  invalidWebhookToken,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from './errors.js';
import { InteractionExchange } from './exchange.js';
import type { MessageBody, MessageOrigin, MessageStore } from './messages.js';
import type { UploadedFile } from './multipart.js';
import type { RestReply } from './rest.js';
import { assertValidMessage, autocompleteProblems } from './validation.js';

/** How an interactions endpoint answered a POST. */
export interface EndpointResponse {
  readonly status: number;
  json(): Promise<unknown>;
  /** Reads the body to its end, unread, so that the connection can be used again. */
  discard(): Promise<void>;
}

/** The parts of an INTERACTION_CREATE payload the emulator reads; anything may be missing in a malformed one. */
interface LoosePayload {
  id?: unknown;
  token?: unknown;
  type?: unknown;
  channel?: { id?: unknown };
  channel_id?: unknown;
  member?: { user?: APIUser };
  user?: APIUser;
  data?: { type?: unknown; name?: unknown; target_id?: unknown };
  message?: { id?: unknown };
  authorizing_integration_owners?: APIAuthorizingIntegrationOwnersMap;
}

interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly type: InteractionType;
  /** How messages created for this interaction (reply, follow-ups) look. */
  readonly origin: MessageOrigin;
  /** For components, and modals opened from one: the message that carries the component. */
  readonly componentMessageId: string | undefined;
  readonly exchange: InteractionExchange;
  acknowledged: boolean;
  expired: boolean;
  originalMessageId?: string;
  /** The reply and the follow-ups: the messages this interaction's webhook may fetch, edit and delete. */
  readonly messageIds: Set<string>;
}

/** The callback types Discord accepts for each interaction type. */
const ALLOWED_CALLBACKS: Partial<Record<InteractionType, InteractionResponseType[]>> = {
  [InteractionType.ApplicationCommand]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.Modal,
  ],
  [InteractionType.MessageComponent]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
    InteractionResponseType.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [InteractionResponseType.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
  ],
};

/**
 * Discord's side of interactions: the initial callback and the interaction webhook
 * (`/webhooks/{application}/{token}`) for edits and follow-ups, with the errors Discord gives
 * for a second callback, an unknown token or an expired interaction.
 */
export class InteractionRegistry {
  readonly #store: MessageStore;
  readonly #botUser: APIUser;
  readonly #applicationId: string;
  readonly #records = new Map<string, InteractionRecord>();
  readonly #recordsByToken = new Map<string, InteractionRecord>();
  readonly #exchanges = new Set<InteractionExchange>();
  /** Interactions being POSTed to an interactions endpoint, by token, until their response has been read. */
  readonly #deliveries = new Map<string, Promise<void>>();

  constructor(store: MessageStore, botUser: APIUser, applicationId: string) {
    this.#store = store;
    this.#botUser = botUser;
    this.#applicationId = applicationId;
  }

  /** Starts following a payload about to be dispatched. A payload too broken to answer still gets an exchange. */
  track(payload: unknown): InteractionExchange {
    const loose: LoosePayload = typeof payload === 'object' && payload !== null ? payload : {};
    const id = text(loose.id) ?? '';
    const token = text(loose.token) ?? '';
    const exchange = new InteractionExchange(id, token, () => this.#replyMessage(id));
    this.#exchanges.add(exchange);

    const type = typeof loose.type === 'number' ? (loose.type as InteractionType) : undefined;
    const user = loose.member?.user ?? loose.user;
    const channelId = text(loose.channel?.id) ?? text(loose.channel_id);
    if (id && token && type !== undefined && user !== undefined && channelId !== undefined) {
      const record: InteractionRecord = {
        id,
        token,
        type,
        origin: this.#origin(loose, type, user, channelId),
        componentMessageId: text(loose.message?.id),
        exchange,
        acknowledged: false,
        expired: false,
        messageIds: new Set(),
      };
      this.#records.set(id, record);
      this.#recordsByToken.set(token, record);
    }
    return exchange;
  }

  /** Resolves once the interaction with this token, if it is being delivered over HTTP, has had its response read. */
  whenDelivered(token: string): Promise<void> {
    return this.#deliveries.get(token) ?? Promise.resolve();
  }

  /**
   * Delivers a tracked interaction as Discord does to an application with an interactions endpoint: a signed POST,
   * whose 200 response body is the interaction's first callback. Resolves with the HTTP status once that is read.
   */
  deliver(exchange: InteractionExchange, post: () => Promise<EndpointResponse>): Promise<number> {
    const delivery = (async () => {
      const response = await post();
      exchange.recordHttpStatus(response.status);
      if (response.status !== 200) {
        await response.discard();
        return response.status;
      }
      const answer: unknown = await response.json();
      const record = this.#records.get(exchange.interactionId);
      try {
        if (record !== undefined) this.callback(record.id, record.token, answer, [], false);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        exchange.recordHttpStatus(error.status);
      }
      return response.status;
    })().catch(() => {
      // Nothing listens there, or it closed the connection: Discord would show the member that it failed.
      exchange.recordHttpStatus(0);
      return 0;
    });
    this.#deliveries.set(exchange.token, delivery.then(() => undefined));
    return delivery;
  }

  /** From now on the interaction behaves as if its 15 minutes were over. */
  expire(interactionId: string): void {
    const record = this.#records.get(interactionId);
    if (record === undefined) throw new Error(`no interaction ${interactionId} was dispatched`);
    record.expired = true;
  }

  callback(interactionId: string, token: string, body: unknown, files: UploadedFile[], withResponse: boolean): RestReply {
    const record = this.#records.get(interactionId);
    if (record === undefined || record.token !== token || record.expired) throw unknownInteraction();
    if (record.acknowledged) throw alreadyAcknowledged();

    const { type, data } = (body ?? {}) as { type?: InteractionResponseType; data?: unknown };
    const message = this.#respond(record, type, data, files);
    record.acknowledged = true;
    record.exchange.record('callback', body, files);
    if (!withResponse) return { status: 204 };

    const interaction: Record<string, unknown> = { id: record.id, type: record.type };
    if (message !== undefined) {
      interaction.response_message_id = message.id;
      interaction.response_message_loading = ((message.flags ?? 0) & MessageFlags.Loading) !== 0;
      interaction.response_message_ephemeral = ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    }
    return { status: 200, body: { interaction, resource: message === undefined ? { type } : { type, message } } };
  }

  original(applicationId: string, token: string): APIMessage {
    return this.#ownMessage(this.#webhook(applicationId, token), '@original');
  }

  editOriginal(applicationId: string, token: string, body: MessageBody, files: UploadedFile[]): APIMessage {
    return this.#edit(this.#webhook(applicationId, token), '@original', body, files, 'edit-original');
  }

  deleteOriginal(applicationId: string, token: string): void {
    this.#delete(this.#webhook(applicationId, token), '@original');
  }

  /** The first follow-up after a deferred reply fills in the "thinking" message instead of posting a new one. */
  followup(applicationId: string, token: string, body: MessageBody, files: UploadedFile[]): APIMessage {
    const record = this.#webhook(applicationId, token);
    assertValidMessage(body);
    const original = record.originalMessageId === undefined ? undefined : this.#store.get(record.originalMessageId);
    const fillsDeferredReply = original !== undefined && ((original.flags ?? 0) & MessageFlags.Loading) !== 0;
    const message = fillsDeferredReply
      ? this.#store.edit(original.id, body, files)
      : this.#store.create(record.origin, body, files);
    record.messageIds.add(message.id);
    record.exchange.record('followup', body, files);
    return message;
  }

  followupMessage(applicationId: string, token: string, messageId: string): APIMessage {
    return this.#ownMessage(this.#webhook(applicationId, token), messageId);
  }

  editFollowup(applicationId: string, token: string, messageId: string, body: MessageBody, files: UploadedFile[]): APIMessage {
    return this.#edit(this.#webhook(applicationId, token), messageId, body, files, 'edit-followup');
  }

  deleteFollowup(applicationId: string, token: string, messageId: string): void {
    this.#delete(this.#webhook(applicationId, token), messageId);
  }

  /** Fails every pending `response()`/`waitForCalls()` wait. */
  abandonWaits(reason: string): void {
    for (const exchange of this.#exchanges) exchange.abandon(reason);
  }

  #respond(
    record: InteractionRecord,
    type: InteractionResponseType | undefined,
    data: unknown,
    files: UploadedFile[],
  ): APIMessage | undefined {
    if (type === undefined || !ALLOWED_CALLBACKS[record.type]?.includes(type)) {
      throw ApiError.invalidForm([
        {
          path: ['type'],
          code: 'INTERACTION_CALLBACK_TYPE_INVALID',
          message: `Callback type ${String(type)} is not valid for interaction type ${record.type}`,
        },
      ]);
    }
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const body = (data ?? {}) as MessageBody;
        assertValidMessage(body, ['data']);
        return this.#setOriginal(record, this.#store.create(record.origin, body, files));
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const flags = ((data as MessageBody | undefined)?.flags ?? 0) & MessageFlags.Ephemeral;
        return this.#setOriginal(record, this.#store.create({ ...record.origin, loading: true }, { flags }));
      }
      case InteractionResponseType.DeferredMessageUpdate:
        return this.#setOriginal(record, this.#componentMessage(record));
      case InteractionResponseType.UpdateMessage: {
        const body = (data ?? {}) as MessageBody;
        assertValidMessage(body, ['data']);
        const message = this.#store.edit(this.#componentMessage(record).id, body, files);
        return this.#setOriginal(record, message);
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        const choices = (data as { choices?: Array<{ name: string; value: string | number }> } | undefined)?.choices;
        const problems = autocompleteProblems(choices ?? []);
        if (problems.length > 0) throw ApiError.invalidForm(problems, ['data']);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  #setOriginal(record: InteractionRecord, message: APIMessage): APIMessage {
    record.originalMessageId = message.id;
    record.messageIds.add(message.id);
    return message;
  }

  #componentMessage(record: InteractionRecord): APIMessage {
    const message = record.componentMessageId === undefined ? undefined : this.#store.get(record.componentMessageId);
    if (message === undefined) throw unknownMessage();
    return message;
  }

  #webhook(applicationId: string, token: string): InteractionRecord {
    const record = this.#recordsByToken.get(token);
    if (applicationId !== this.#applicationId || record === undefined) throw unknownWebhook();
    if (record.expired) throw invalidWebhookToken();
    // Until the interaction is acknowledged its webhook does not exist yet.
    if (!record.acknowledged) throw unknownWebhook();
    return record;
  }

  #ownMessage(record: InteractionRecord, messageId: string): APIMessage {
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    const message = id !== undefined && record.messageIds.has(id) ? this.#store.get(id) : undefined;
    if (message === undefined) throw unknownMessage();
    return message;
  }

  #edit(
    record: InteractionRecord,
    messageId: string,
    body: MessageBody,
    files: UploadedFile[],
    kind: 'edit-original' | 'edit-followup',
  ): APIMessage {
    assertValidMessage(body);
    const message = this.#store.edit(this.#ownMessage(record, messageId).id, body, files);
    record.exchange.record(kind, body, files);
    return message;
  }

  #delete(record: InteractionRecord, messageId: string): void {
    this.#store.delete(this.#ownMessage(record, messageId).id);
    record.exchange.record('delete', {}, []);
  }

  #replyMessage(interactionId: string): APIMessage | undefined {
    const messageId = this.#records.get(interactionId)?.originalMessageId;
    const message = messageId === undefined ? undefined : this.#store.get(messageId);
    return message === undefined ? undefined : structuredClone(message);
  }

  /** Replies carry the interaction that caused them, like on Discord: buttons on them can then be clicked. */
  #origin(payload: LoosePayload, type: InteractionType, user: APIUser, channelId: string): MessageOrigin {
    const id = text(payload.id) ?? '';
    const owners = payload.authorizing_integration_owners ?? {};
    const origin: MessageOrigin = {
      channelId,
      author: this.#botUser,
      type: MessageType.Default,
      applicationId: this.#applicationId,
      webhookId: this.#applicationId,
    };
    if (type === InteractionType.ApplicationCommand) {
      const commandType = payload.data?.type;
      const targetMessageId = text(payload.data?.target_id);
      origin.type = commandType === ApplicationCommandType.ChatInput ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand;
      origin.interactionMetadata = {
        id,
        type,
        user,
        authorizing_integration_owners: owners,
        ...(commandType === ApplicationCommandType.Message && targetMessageId !== undefined
          ? { target_message_id: targetMessageId }
          : {}),
      };
      origin.interaction = { id, type, name: text(payload.data?.name) ?? '', user };
    } else if (type === InteractionType.MessageComponent) {
      origin.interactionMetadata = {
        id,
        type,
        user,
        authorizing_integration_owners: owners,
        interacted_message_id: text(payload.message?.id) ?? '',
      };
    }
    return origin;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
