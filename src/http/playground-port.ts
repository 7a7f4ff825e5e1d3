/**
 * The interaction port for the playground page: `/ask` and the buttons under its answers run through the bot's own
 * handlers, and what they would post in Discord is collected and sent to the page as JSON, to be drawn as Discord
 * draws it. Nothing reaches Discord: a pin is refused (the page offers none).
 */
import type {
  ButtonInteraction,
  ButtonMessage,
  CommandInteraction,
  CommandOptions,
  InteractionUser,
  NewMessage,
  OutgoingMessage,
  RepliableInteraction,
} from '../interactions/port.js';

/** A message as the page draws it: files by name and size only. */
export interface ShownMessage {
  readonly ephemeral: boolean;
  readonly content?: string;
  readonly embeds: readonly unknown[];
  readonly components: readonly unknown[];
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
  /** "citebot is thinking…": a deferred reply not filled in (yet). */
  readonly thinking?: boolean;
  /** The message the button was pressed on, changed in place. */
  readonly updated?: boolean;
}

function shown(message: OutgoingMessage, ephemeral: boolean, previous?: ShownMessage): ShownMessage {
  return {
    ephemeral,
    ...((message.content ?? previous?.content) !== undefined && { content: message.content ?? previous?.content }),
    embeds: message.embeds ?? previous?.embeds ?? [],
    components: message.components ?? previous?.components ?? [],
    files: message.files?.map(({ name, data }) => ({ name, bytes: data.byteLength })) ?? previous?.files ?? [],
  };
}

/** The member on the page: one visitor, no server roles. */
const VISITOR: InteractionUser = { id: '0', username: 'visitor', displayName: 'visitor' };

class PlaygroundRepliable implements RepliableInteraction {
  readonly id: string;
  readonly user = VISITOR;
  readonly guildId = undefined;
  readonly channelId = undefined;
  readonly memberPermissions = undefined;
  readonly appPermissions = 0n;
  /** The original response (index 0, once there is one) and the follow-ups, as the member would see them now. */
  readonly #messages: (ShownMessage | undefined)[] = [];
  #responded = false;

  constructor(id: string) {
    this.id = id;
  }

  get responded(): boolean {
    return this.#responded;
  }

  /** What the member would see, in order. */
  get messages(): ShownMessage[] {
    return this.#messages.filter((message) => message !== undefined);
  }

  protected setOriginal(message: ShownMessage): void {
    if (this.#responded) throw new Error('the interaction has already been responded to');
    this.#responded = true;
    this.#messages[0] = message;
  }

  reply(message: NewMessage): Promise<void> {
    this.setOriginal(shown(message, message.ephemeral === true));
    return Promise.resolve();
  }

  defer({ ephemeral }: { readonly ephemeral: boolean }): Promise<void> {
    this.setOriginal({ ephemeral, embeds: [], components: [], files: [], thinking: true });
    return Promise.resolve();
  }

  editOriginal(message: OutgoingMessage): Promise<void> {
    const original = this.#messages[0];
    if (original !== undefined) this.#messages[0] = { ...shown(message, original.ephemeral, original), updated: original.updated };
    return Promise.resolve();
  }

  deleteOriginal(): Promise<void> {
    this.#messages[0] = undefined;
    return Promise.resolve();
  }

  followUp(message: NewMessage): Promise<void> {
    this.#messages.push(shown(message, message.ephemeral === true));
    return Promise.resolve();
  }
}

export class PlaygroundAsk extends PlaygroundRepliable implements CommandInteraction {
  readonly kind = 'command';
  readonly commandName = 'ask';
  readonly options: CommandOptions;

  constructor(id: string, question: string) {
    super(id);
    this.options = {
      string: (name) => (name === 'question' ? question : undefined),
      boolean: () => undefined,
      integer: () => undefined,
      userId: () => undefined,
    };
  }
}

export class PlaygroundButton extends PlaygroundRepliable implements ButtonInteraction {
  readonly kind = 'button';
  readonly customId: string;
  readonly message: ButtonMessage;
  readonly #pressedOn: ShownMessage;

  constructor(id: string, customId: string, message: ButtonMessage, pressedOn: ShownMessage) {
    super(id);
    this.customId = customId;
    this.message = message;
    this.#pressedOn = pressedOn;
  }

  update(message: OutgoingMessage): Promise<void> {
    this.setOriginal({ ...shown(message, this.message.ephemeral, this.#pressedOn), updated: true });
    return Promise.resolve();
  }

  deferUpdate(): Promise<void> {
    this.setOriginal({ ...this.#pressedOn, updated: true });
    return Promise.resolve();
  }

  pinMessage(): Promise<void> {
    return Promise.reject(new Error('the playground cannot pin'));
  }
}
