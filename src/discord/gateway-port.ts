/**
 * The interaction port (src/interactions/port.ts) over discord.js: interactions that arrive through the gateway get
 * their first response through discord.js's own calls, and what follows through the interaction's webhook.
 */
import type { REST } from '@discordjs/rest';
import {
  ComponentType,
  MessageFlags,
  Routes,
  type AutocompleteInteraction as DiscordAutocomplete,
  type ButtonInteraction as DiscordButton,
  type ChatInputCommandInteraction,
  type Interaction as DiscordInteraction,
  type InteractionReplyOptions,
  type MessageContextMenuCommandInteraction,
  type RepliableInteraction as DiscordRepliable,
} from 'discord.js';
import type {
  AutocompleteChoice,
  AutocompleteInteraction,
  ButtonInteraction,
  ButtonMessage,
  CommandInteraction,
  CommandOptions,
  Interaction,
  InteractionUser,
  MessageCommandInteraction,
  NewMessage,
  OutgoingMessage,
  RepliableInteraction,
} from '../interactions/port.js';
import { InteractionWebhook } from './interaction-webhook.js';

type MessageOptions = Pick<InteractionReplyOptions, 'content' | 'embeds' | 'components' | 'files' | 'allowedMentions'>;

/** The bot's message as discord.js takes it: the same JSON, files as buffers with names. */
function toOptions(message: OutgoingMessage): MessageOptions {
  return {
    ...(message.content !== undefined && { content: message.content }),
    ...(message.embeds && { embeds: [...message.embeds] }),
    ...(message.components && { components: [...message.components] }),
    ...(message.files && { files: message.files.map(({ name, data }) => ({ name, attachment: data })) }),
    // The client's own default (no mentions) applies unless a message names whom to ping.
    ...(message.allowedMentions && { allowedMentions: message.allowedMentions }),
  };
}

function toNewOptions(message: NewMessage): InteractionReplyOptions {
  return { ...toOptions(message), ...(message.ephemeral && { flags: MessageFlags.Ephemeral }) };
}

function userOf(interaction: DiscordInteraction): InteractionUser {
  const { member, user } = interaction;
  const displayName = member && 'displayName' in member ? member.displayName : (member?.nick ?? user.displayName);
  return { id: user.id, username: user.username, displayName };
}

/** What every interaction carries: who acted, and with which permissions. */
abstract class GatewayInteraction<Wrapped extends DiscordInteraction> {
  readonly id: string;
  readonly user: InteractionUser;
  readonly guildId: string | undefined;
  readonly channelId: string | undefined;
  readonly memberPermissions: bigint | undefined;
  readonly appPermissions: bigint;
  protected readonly wrapped: Wrapped;

  constructor(interaction: Wrapped) {
    this.wrapped = interaction;
    this.id = interaction.id;
    this.user = userOf(interaction);
    this.guildId = interaction.guildId ?? undefined;
    this.channelId = interaction.channelId ?? undefined;
    this.memberPermissions = interaction.memberPermissions?.bitfield;
    this.appPermissions = interaction.appPermissions.bitfield;
  }
}

class GatewayRepliable<Wrapped extends DiscordRepliable> extends GatewayInteraction<Wrapped> implements RepliableInteraction {
  protected readonly webhooks: REST;

  constructor(interaction: Wrapped, webhooks: REST) {
    super(interaction);
    this.webhooks = webhooks;
  }

  get responded(): boolean {
    return this.wrapped.replied || this.wrapped.deferred;
  }

  async reply(message: NewMessage): Promise<void> {
    await this.wrapped.reply(toNewOptions(message));
  }

  async defer({ ephemeral }: { readonly ephemeral: boolean }): Promise<void> {
    await this.wrapped.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  }

  // After the first response, through the interaction's webhook on a REST client of its own, not discord.js's
  // (see interaction-webhook.ts): Discord does not hold these to the bot's global limit.
  async editOriginal(message: OutgoingMessage): Promise<void> {
    await this.#webhook.editOriginal(message);
  }

  async deleteOriginal(): Promise<void> {
    await this.#webhook.deleteOriginal();
  }

  async followUp(message: NewMessage): Promise<void> {
    await this.#webhook.followUp(message);
  }

  get #webhook(): InteractionWebhook {
    return new InteractionWebhook(this.webhooks, this.wrapped.applicationId, this.wrapped.token);
  }
}

class GatewayCommand extends GatewayRepliable<ChatInputCommandInteraction> implements CommandInteraction {
  readonly kind = 'command';
  readonly commandName = this.wrapped.commandName;
  readonly options: CommandOptions = {
    string: (name) => this.wrapped.options.getString(name) ?? undefined,
    boolean: (name) => this.wrapped.options.getBoolean(name) ?? undefined,
    integer: (name) => this.wrapped.options.getInteger(name) ?? undefined,
    userId: (name) => this.wrapped.options.getUser(name)?.id,
  };
}

class GatewayMessageCommand extends GatewayRepliable<MessageContextMenuCommandInteraction> implements MessageCommandInteraction {
  readonly kind = 'message-command';
  readonly commandName = this.wrapped.commandName;
  readonly targetContent = this.wrapped.targetMessage.content;
}

class GatewayAutocomplete extends GatewayInteraction<DiscordAutocomplete> implements AutocompleteInteraction {
  readonly kind = 'autocomplete';
  readonly commandName = this.wrapped.commandName;
  readonly focused = String(this.wrapped.options.getFocused());

  get responded(): boolean {
    return this.wrapped.responded;
  }

  async respond(choices: readonly AutocompleteChoice[]): Promise<void> {
    await this.wrapped.respond([...choices]);
  }
}

function buttonMessage(interaction: DiscordButton): ButtonMessage {
  const { message } = interaction;
  return {
    id: message.id,
    channelId: message.channelId,
    pinned: message.pinned,
    ephemeral: message.flags.has(MessageFlags.Ephemeral),
    title: message.embeds[0]?.title ?? undefined,
    embeds: message.embeds.map((embed) => embed.toJSON()),
    customIds: message.components
      .flatMap((row) => (row.type === ComponentType.ActionRow ? row.components : []))
      .flatMap((component) => (component.type === ComponentType.Button && component.customId ? [component.customId] : [])),
  };
}

class GatewayButton extends GatewayRepliable<DiscordButton> implements ButtonInteraction {
  readonly kind = 'button';
  readonly customId = this.wrapped.customId;
  readonly message = buttonMessage(this.wrapped);

  async update(message: OutgoingMessage): Promise<void> {
    await this.wrapped.update(toOptions(message));
  }

  async deferUpdate(): Promise<void> {
    await this.wrapped.deferUpdate();
  }

  async pinMessage(reason: string): Promise<void> {
    // Straight through REST with the bot's token, as the HTTP transport pins: no cached channel is needed.
    await this.wrapped.client.rest.put(Routes.channelMessagesPin(this.message.channelId, this.message.id), { reason });
  }
}

/**
 * The port over a discord.js interaction; undefined for kinds the bot does not answer (modals, select menus).
 * `webhooks` sends what follows the first response (createInteractionWebhookRest).
 */
export function fromDiscordJs(interaction: DiscordInteraction, webhooks: REST): Interaction | undefined {
  if (interaction.isChatInputCommand()) return new GatewayCommand(interaction, webhooks);
  if (interaction.isAutocomplete()) return new GatewayAutocomplete(interaction);
  if (interaction.isMessageContextMenuCommand()) return new GatewayMessageCommand(interaction, webhooks);
  if (interaction.isButton()) return new GatewayButton(interaction, webhooks);
  return undefined;
}
