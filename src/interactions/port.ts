/**
 * What a handler may see of an interaction and do with it, whichever way it arrived: as a gateway event through
 * discord.js (src/discord/gateway-port.ts) or as a signed HTTP request (src/http/interaction-port.ts). Handlers talk to
 * this port only, so each is written once for both transports.
 *
 * Messages are Discord's own JSON (discord-api-types): the render functions already produce it, the HTTP transport
 * sends it as it is, and discord.js accepts it unchanged.
 */
import type {
  APIActionRowComponent,
  APIAllowedMentions,
  APIApplicationCommandOptionChoice,
  APIComponentInMessageActionRow,
  APIEmbed,
} from 'discord-api-types/v10';

/** A file attached to a message. */
export interface OutgoingFile {
  readonly name: string;
  readonly data: Buffer;
}

/** A message as a handler sends it. Whatever it leaves out stays as it was (on an edit) or empty. */
export interface OutgoingMessage {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly APIActionRowComponent<APIComponentInMessageActionRow>[];
  readonly files?: readonly OutgoingFile[];
  /** Who may be pinged. Unset: no one, whatever the text says (member and source text is echoed). */
  readonly allowedMentions?: APIAllowedMentions;
}

/** A new message: a reply or a follow-up, which may be shown only to the member who acted. */
export interface NewMessage extends OutgoingMessage {
  readonly ephemeral?: boolean;
}

export interface InteractionUser {
  readonly id: string;
  readonly username: string;
  /** The name the server shows for the member: their nickname, else their display name, else their username. */
  readonly displayName: string;
}

interface InteractionBase {
  readonly id: string;
  readonly user: InteractionUser;
  /** The server it came from; undefined outside a server. */
  readonly guildId: string | undefined;
  /** The channel it came from. */
  readonly channelId: string | undefined;
  /** The member's permissions in the channel; undefined outside a server. */
  readonly memberPermissions: bigint | undefined;
  /** The bot's own permissions in the channel. */
  readonly appPermissions: bigint;
}

/** An interaction that is answered with a message. Its first response must come within Discord's 3 s. */
export interface RepliableInteraction extends InteractionBase {
  /** Whether a first response (a reply, a deferral or an update) has been sent. */
  readonly responded: boolean;
  /** The first response: a message. */
  reply(message: NewMessage): Promise<void>;
  /** The first response: "citebot is thinking…", filled in later by `editOriginal` or replaced by a follow-up. */
  defer(options: { readonly ephemeral: boolean }): Promise<void>;
  /** Edits the reply (or fills in the deferred one). */
  editOriginal(message: OutgoingMessage): Promise<void>;
  deleteOriginal(): Promise<void>;
  /** Another message after the first response. */
  followUp(message: NewMessage): Promise<void>;
}

/** The options of a slash command as the member gave them. */
export interface CommandOptions {
  string(name: string): string | undefined;
  boolean(name: string): boolean | undefined;
  integer(name: string): number | undefined;
  /** The id of the user named by a user option. */
  userId(name: string): string | undefined;
}

export interface CommandInteraction extends RepliableInteraction {
  readonly kind: 'command';
  readonly commandName: string;
  readonly options: CommandOptions;
}

/** "Apps → …" on a message. */
export interface MessageCommandInteraction extends RepliableInteraction {
  readonly kind: 'message-command';
  readonly commandName: string;
  /** The text of the message the command was used on. */
  readonly targetContent: string;
}

export type AutocompleteChoice = APIApplicationCommandOptionChoice<string>;

export interface AutocompleteInteraction extends InteractionBase {
  readonly kind: 'autocomplete';
  readonly commandName: string;
  /** What the member has typed so far in the option being filled in. */
  readonly focused: string;
  readonly responded: boolean;
  respond(choices: readonly AutocompleteChoice[]): Promise<void>;
}

/** The message a button sits on, as the button's interaction carries it. */
export interface ButtonMessage {
  readonly id: string;
  readonly channelId: string;
  readonly pinned: boolean;
  /** Shown only to the member it answered. */
  readonly ephemeral: boolean;
  /** The title of its first embed. */
  readonly title: string | undefined;
  /** Its embeds, as Discord's JSON. */
  readonly embeds: readonly APIEmbed[];
  /** The custom_ids of its buttons, in order. */
  readonly customIds: readonly string[];
}

export interface ButtonInteraction extends RepliableInteraction {
  readonly kind: 'button';
  readonly customId: string;
  readonly message: ButtonMessage;
  /** The first response: the message the button is on, changed in place. */
  update(message: OutgoingMessage): Promise<void>;
  /** The first response: the message stays as it is for now, and `editOriginal` changes it later. */
  deferUpdate(): Promise<void>;
  /** Pins the message the button is on, with the bot's token; `reason` goes to the audit log. */
  pinMessage(reason: string): Promise<void>;
}

/** Every kind of interaction the bot answers. Others (modals, select menus) it never registers. */
export type Interaction = CommandInteraction | MessageCommandInteraction | AutocompleteInteraction | ButtonInteraction;

/**
 * What the bot does to its own messages outside any interaction (keeping pinned answers true after a reload), over
 * REST with the bot's token: for both transports, since the interaction token expires after 15 minutes.
 */
export interface MessageEditor {
  /** Edits a message the bot sent; whatever `message` leaves out stays as it was. */
  editMessage(channelId: string, messageId: string, message: OutgoingMessage): Promise<void>;
  /** The ids of every message pinned in the channel now. */
  pinnedMessageIds(channelId: string): Promise<ReadonlySet<string>>;
}
