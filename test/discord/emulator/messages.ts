import {
  EmbedType,
  MessageFlags,
  type APIAllowedMentions,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageInteraction,
  type APIMessageInteractionMetadata,
  type APIMessageTopLevelComponent,
  type APIUser,
  type MessageType,
} from 'discord-api-types/v10';
import { emptyMessage, pinLimitReached, unknownMessage } from './errors.js';
import type { UploadedFile } from './multipart.js';
import type { SnowflakeGenerator } from './snowflake.js';

/** The message fields a bot sends when it creates or edits a message, an interaction reply or a follow-up. */
export interface MessageBody {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: APIMessageTopLevelComponent[] | null;
  flags?: number | null;
  /** Attachments to keep (by id) and metadata of new files (id = index of `files[n]`). */
  attachments?: Array<{ id: string | number; filename?: string; description?: string }> | null;
  allowed_mentions?: APIAllowedMentions;
  tts?: boolean;
}

/** Who and what created a message, besides its body. */
export interface MessageOrigin {
  channelId: string;
  author: APIUser;
  type: MessageType;
  applicationId?: string;
  /** Interaction responses are posted through the application's webhook. */
  webhookId?: string;
  interactionMetadata?: APIMessageInteractionMetadata;
  interaction?: APIMessageInteraction;
  /** A deferred reply: Discord shows "… is thinking" until the first edit. */
  loading?: boolean;
}

export interface Pin {
  messageId: string;
  pinnedAt: string;
}

const MAX_PINS_PER_CHANNEL = 250;

/** Every message of the emulated guild, in creation order, with the pins of each channel. */
export class MessageStore {
  readonly #ids: SnowflakeGenerator;
  readonly #messages = new Map<string, APIMessage>();
  /** Pins per channel, oldest first. */
  readonly #pins = new Map<string, Pin[]>();
  readonly #fullPinChannels = new Set<string>();

  constructor(ids: SnowflakeGenerator) {
    this.#ids = ids;
  }

  create(origin: MessageOrigin, body: MessageBody, files: UploadedFile[] = []): APIMessage {
    const attachments = newAttachments(this.#ids, origin.channelId, body, files);
    const isEmpty = !body.content && !body.embeds?.length && !body.components?.length && attachments.length === 0;
    if (isEmpty && !origin.loading) throw emptyMessage();

    const message: APIMessage = {
      id: this.#ids.next(),
      channel_id: origin.channelId,
      author: origin.author,
      type: origin.type,
      content: body.content ?? '',
      embeds: richEmbeds(body.embeds),
      components: body.components ?? [],
      attachments,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: (body.flags ?? 0) | (origin.loading ? MessageFlags.Loading : 0),
      pinned: false,
      tts: body.tts ?? false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
    };
    if (origin.applicationId !== undefined) message.application_id = origin.applicationId;
    if (origin.webhookId !== undefined) message.webhook_id = origin.webhookId;
    if (origin.interactionMetadata !== undefined) message.interaction_metadata = origin.interactionMetadata;
    if (origin.interaction !== undefined) message.interaction = origin.interaction;
    this.#messages.set(message.id, message);
    return message;
  }

  /**
   * Applies an edit with Discord's rules: only the fields present change; `attachments`, when
   * present, lists every attachment to keep; the ephemeral flag cannot change; the first edit
   * of a deferred reply fills it in rather than marking it edited.
   */
  edit(messageId: string, body: MessageBody, files: UploadedFile[] = []): APIMessage {
    const message = this.get(messageId);
    if (message === undefined) throw unknownMessage();

    if ('content' in body) message.content = body.content ?? '';
    if ('embeds' in body) message.embeds = richEmbeds(body.embeds);
    if ('components' in body) message.components = body.components ?? [];
    const kept = body.attachments
      ? message.attachments.filter((attachment) => body.attachments?.some((entry) => String(entry.id) === attachment.id))
      : message.attachments;
    message.attachments = [...kept, ...newAttachments(this.#ids, message.channel_id, body, files)];

    const previousFlags = message.flags ?? 0;
    const wasLoading = (previousFlags & MessageFlags.Loading) !== 0;
    const requestedFlags = body.flags ?? previousFlags;
    message.flags = (previousFlags & MessageFlags.Ephemeral) | (requestedFlags & ~MessageFlags.Ephemeral & ~MessageFlags.Loading);
    if (!wasLoading) message.edited_timestamp = new Date().toISOString();
    return message;
  }

  delete(messageId: string): void {
    const message = this.get(messageId);
    if (message === undefined) throw unknownMessage();
    this.#messages.delete(messageId);
    this.#unpin(message.channel_id, messageId);
  }

  get(messageId: string): APIMessage | undefined {
    return this.#messages.get(messageId);
  }

  /** A message as the channel routes see it: ephemeral messages exist only for their interaction. */
  inChannel(channelId: string, messageId: string): APIMessage {
    const message = this.get(messageId);
    if (message === undefined || message.channel_id !== channelId || isEphemeral(message)) throw unknownMessage();
    return message;
  }

  list(channelId: string, authorId: string): APIMessage[] {
    return [...this.#messages.values()].filter(
      (message) => message.channel_id === channelId && message.author.id === authorId && !isEphemeral(message),
    );
  }

  /** Pinning an already pinned message succeeds without change, as on Discord. */
  pin(channelId: string, messageId: string): void {
    const message = this.inChannel(channelId, messageId);
    if (message.pinned) return;
    const pins = this.pins(channelId);
    if (this.#fullPinChannels.has(channelId) || pins.length >= MAX_PINS_PER_CHANNEL) throw pinLimitReached();
    message.pinned = true;
    this.#pins.set(channelId, [...pins, { messageId, pinnedAt: new Date().toISOString() }]);
  }

  unpin(channelId: string, messageId: string): void {
    this.inChannel(channelId, messageId).pinned = false;
    this.#unpin(channelId, messageId);
  }

  pins(channelId: string): Pin[] {
    return this.#pins.get(channelId) ?? [];
  }

  setPinLimitReached(channelId: string, full: boolean): void {
    if (full) this.#fullPinChannels.add(channelId);
    else this.#fullPinChannels.delete(channelId);
  }

  #unpin(channelId: string, messageId: string): void {
    this.#pins.set(
      channelId,
      this.pins(channelId).filter((pin) => pin.messageId !== messageId),
    );
  }
}

export function isEphemeral(message: APIMessage): boolean {
  return ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}

function richEmbeds(embeds: APIEmbed[] | null | undefined): APIEmbed[] {
  return (embeds ?? []).map((embed) => ({ type: EmbedType.Rich, ...embed }));
}

/** Attachments for the uploaded `files[n]`, named by the matching `attachments` entry (id n) when there is one. */
function newAttachments(
  ids: SnowflakeGenerator,
  channelId: string,
  body: MessageBody,
  files: UploadedFile[],
): APIAttachment[] {
  return files.map((file) => {
    const index = /\[(\d+)\]$/.exec(file.name)?.[1] ?? file.name;
    const metadata = body.attachments?.find((entry) => String(entry.id) === index);
    const id = ids.next();
    const filename = metadata?.filename ?? file.filename;
    const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    const attachment: APIAttachment = {
      id,
      filename,
      size: file.data.length,
      url,
      proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'),
      content_type: file.contentType,
    };
    if (metadata?.description !== undefined) attachment.description = metadata.description;
    return attachment;
  });
}
