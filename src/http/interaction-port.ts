/**
 * The interaction port (src/interactions/port.ts) over the raw payloads Discord POSTs to the interactions endpoint.
 * The first response is the HTTP response's body; everything after it goes through the interaction's webhook over
 * REST (no token needed: the interaction token is the credential), and pins through REST with the bot's token.
 */
import type { REST } from '@discordjs/rest';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  Routes,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
} from 'discord-api-types/v10';
import { ephemeralFlags, InteractionWebhook, messageBody } from '../discord/interaction-webhook.js';
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

/** Sends the first response as the HTTP response; resolves once it is written. */
export type FirstResponse = (body: APIInteractionResponse) => Promise<void>;

export interface HttpInteractionDeps {
  /** REST with the bot's token (for pins) and DISCORD_API_URL. */
  readonly rest: REST;
  /** REST for interactions' webhooks (createInteractionWebhookRest), sent without the bot's token. */
  readonly webhooks: REST;
  readonly respond: FirstResponse;
}

class AlreadyRespondedError extends Error {
  override name = 'AlreadyRespondedError';
}

function userOf(payload: APIInteraction): InteractionUser {
  const member = payload.member;
  const user = member?.user ?? payload.user;
  if (user === undefined) throw new TypeError('the interaction names no user');
  return { id: user.id, username: user.username, displayName: member?.nick ?? user.global_name ?? user.username };
}

/** What every interaction carries, and its one first response. */
abstract class HttpInteraction {
  readonly id: string;
  readonly user: InteractionUser;
  readonly guildId: string | undefined;
  readonly channelId: string | undefined;
  readonly memberPermissions: bigint | undefined;
  readonly appPermissions: bigint;
  protected readonly payload: APIInteraction;
  protected readonly deps: HttpInteractionDeps;
  #responded = false;

  constructor(payload: APIInteraction, deps: HttpInteractionDeps) {
    this.payload = payload;
    this.deps = deps;
    this.id = payload.id;
    this.user = userOf(payload);
    this.guildId = payload.guild_id;
    this.channelId = payload.channel?.id ?? payload.channel_id;
    this.memberPermissions = payload.member === undefined ? undefined : BigInt(payload.member.permissions);
    this.appPermissions = BigInt(payload.app_permissions);
  }

  get responded(): boolean {
    return this.#responded;
  }

  protected async respondOnce(body: APIInteractionResponse): Promise<void> {
    if (this.#responded) throw new AlreadyRespondedError('the interaction has already been responded to');
    this.#responded = true;
    await this.deps.respond(body);
  }
}

class HttpRepliable extends HttpInteraction implements RepliableInteraction {
  async reply(message: NewMessage): Promise<void> {
    // A response body cannot carry files (Discord takes no multipart response): the reply is deferred, then filled
    // in with its files through the webhook.
    if (message.files?.length) {
      await this.defer({ ephemeral: message.ephemeral === true });
      return this.editOriginal(message);
    }
    await this.respondOnce({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: messageBody(message, ephemeralFlags(message.ephemeral)),
    });
  }

  async defer({ ephemeral }: { readonly ephemeral: boolean }): Promise<void> {
    await this.respondOnce({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: ephemeral ? { flags: MessageFlags.Ephemeral } : {},
    });
  }

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
    return new InteractionWebhook(this.deps.webhooks, this.payload.application_id, this.payload.token);
  }
}

type BasicOption = APIApplicationCommandInteractionDataBasicOption;

function optionsOf(payload: APIInteraction): readonly BasicOption[] {
  const data = payload.data;
  if (data === undefined || !('options' in data) || !Array.isArray(data.options)) return [];
  return data.options as BasicOption[];
}

function optionValue(options: readonly BasicOption[], name: string, type: ApplicationCommandOptionType): unknown {
  return options.find((option) => option.name === name && option.type === type)?.value;
}

class HttpCommand extends HttpRepliable implements CommandInteraction {
  readonly kind = 'command';
  readonly commandName: string;
  readonly options: CommandOptions;

  constructor(payload: APIInteraction, deps: HttpInteractionDeps, commandName: string) {
    super(payload, deps);
    this.commandName = commandName;
    const options = optionsOf(payload);
    const typed = <T>(name: string, type: ApplicationCommandOptionType, kind: string): T | undefined => {
      const value = optionValue(options, name, type);
      return typeof value === kind ? (value as T) : undefined;
    };
    this.options = {
      string: (name) => typed<string>(name, ApplicationCommandOptionType.String, 'string'),
      boolean: (name) => typed<boolean>(name, ApplicationCommandOptionType.Boolean, 'boolean'),
      integer: (name) => typed<number>(name, ApplicationCommandOptionType.Integer, 'number'),
      userId: (name) => typed<string>(name, ApplicationCommandOptionType.User, 'string'),
    };
  }
}

class HttpMessageCommand extends HttpRepliable implements MessageCommandInteraction {
  readonly kind = 'message-command';
  readonly commandName: string;
  readonly targetContent: string;

  constructor(payload: APIInteraction, deps: HttpInteractionDeps, commandName: string, target: APIMessage | undefined) {
    super(payload, deps);
    this.commandName = commandName;
    this.targetContent = target?.content ?? '';
  }
}

class HttpAutocomplete extends HttpInteraction implements AutocompleteInteraction {
  readonly kind = 'autocomplete';
  readonly commandName: string;
  readonly focused: string;

  constructor(payload: APIInteraction, deps: HttpInteractionDeps, commandName: string) {
    super(payload, deps);
    this.commandName = commandName;
    const focused = optionsOf(payload).find((option) => 'focused' in option && option.focused);
    this.focused = focused === undefined ? '' : String(focused.value);
  }

  async respond(choices: readonly AutocompleteChoice[]): Promise<void> {
    await this.respondOnce({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [...choices] } });
  }
}

function buttonMessage(message: APIMessage): ButtonMessage {
  return {
    id: message.id,
    channelId: message.channel_id,
    pinned: message.pinned,
    ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
    title: message.embeds[0]?.title,
    embeds: message.embeds,
    customIds: (message.components ?? [])
      .flatMap((row) => (row.type === ComponentType.ActionRow ? row.components : []))
      .flatMap((component) => (component.type === ComponentType.Button && 'custom_id' in component ? [component.custom_id] : [])),
  };
}

class HttpButton extends HttpRepliable implements ButtonInteraction {
  readonly kind = 'button';
  readonly customId: string;
  readonly message: ButtonMessage;

  constructor(payload: APIInteraction, deps: HttpInteractionDeps, customId: string, message: APIMessage) {
    super(payload, deps);
    this.customId = customId;
    this.message = buttonMessage(message);
  }

  async update(message: OutgoingMessage): Promise<void> {
    await this.respondOnce({ type: InteractionResponseType.UpdateMessage, data: messageBody(message) });
  }

  async deferUpdate(): Promise<void> {
    await this.respondOnce({ type: InteractionResponseType.DeferredMessageUpdate });
  }

  async pinMessage(reason: string): Promise<void> {
    await this.deps.rest.put(Routes.channelMessagesPin(this.message.channelId, this.message.id), { reason });
  }
}

/**
 * The port over a verified, parsed payload; undefined for kinds the bot does not answer (modals, select menus, and
 * PING, which the endpoint answers itself). Throws a TypeError when the payload lacks what its kind must carry.
 */
export function fromPayload(payload: APIInteraction, deps: HttpInteractionDeps): Interaction | undefined {
  switch (payload.type) {
    case InteractionType.ApplicationCommand: {
      const { data } = payload;
      if (data.type === ApplicationCommandType.ChatInput) return new HttpCommand(payload, deps, data.name);
      if (data.type === ApplicationCommandType.Message) {
        return new HttpMessageCommand(payload, deps, data.name, data.resolved.messages[data.target_id]);
      }
      return undefined;
    }
    case InteractionType.ApplicationCommandAutocomplete:
      return new HttpAutocomplete(payload, deps, payload.data.name);
    case InteractionType.MessageComponent:
      if (payload.data.component_type !== ComponentType.Button) return undefined;
      return new HttpButton(payload, deps, payload.data.custom_id, payload.message);
    default:
      return undefined;
  }
}
