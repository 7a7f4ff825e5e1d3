import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ComponentType,
  GatewayDispatchEvents,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandAutocompleteGuildInteraction,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIGuildInteractionWrapper,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIMessageApplicationCommandGuildInteraction,
  type APIMessageComponentButtonInteraction,
  type APIUser,
} from 'discord-api-types/v10';
import { request } from 'undici';
import { CommandRegistry } from './commands.js';
import type { Exchange } from './exchange.js';
import { DEFAULT_BOT_PERMISSIONS, DEFAULT_TOKEN, Fixtures, type FixtureMember } from './fixtures.js';
import { Gateway, GATEWAY_PATH } from './gateway.js';
import { InteractionRegistry } from './interactions.js';
import { MessageStore } from './messages.js';
import { RestApi, type FaultMatch, type FaultResponse, type RecordedRequest } from './rest.js';
import type { RateLimits } from './rate-limits.js';
import { SnowflakeGenerator } from './snowflake.js';

export interface EmulatorOptions {
  /** The only token accepted, on REST and on the gateway. */
  token?: string;
  /** `shards` of GET /gateway/bot; the guild goes to shard `(guild_id >> 22) % shards`. */
  shards?: number;
  /** `app_permissions` of every interaction, and the permissions of the bot's role. */
  botPermissions?: bigint;
  /** Text channels besides the test channel (`channelIds`); none by default. */
  extraChannels?: number;
}

export interface InteractionOptions {
  /** The member who acts; `users.member` by default. */
  as?: FixtureMember;
  /** Dispatch on this shard instead of the one owning the guild. */
  shard?: number;
  /**
   * The interaction's token is already expired when the bot receives it, as when the gateway delivers it late: its
   * callback gets 10062 and its webhook 50027.
   */
  expired?: boolean;
}

const READY_TIMEOUT_MS = 10_000;
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
  return DiscordEmulator.start(options);
}

/**
 * A local stand-in for Discord (REST under /api/v10 and the gateway) that the real discord.js
 * client logs in to. Tests act as guild members through it and read back what the bot did.
 */
export class DiscordEmulator {
  readonly apiUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guildId: string;
  readonly channelId: string;
  /** Every text channel of the guild, the test channel first. */
  readonly channelIds: readonly string[];
  readonly users: { moderator: FixtureMember; member: FixtureMember; admin: FixtureMember };
  readonly commands: { global: APIApplicationCommand[]; guild: Map<string, APIApplicationCommand[]> };

  readonly #server: Server;
  readonly #ids: SnowflakeGenerator;
  readonly #fixtures: Fixtures;
  readonly #botPermissions: bigint;
  readonly #store: MessageStore;
  readonly #commands: CommandRegistry;
  readonly #interactions: InteractionRegistry;
  readonly #gateway: Gateway;
  readonly #rest: RestApi;
  readonly #signingKey: KeyObject;
  #connectionsOpened = 0;
  /** Where interactions go instead of the gateway, once set: the application's interactions endpoint URL. */
  #endpoint: string | undefined;

  /** The application's public key (hex), which interactions POSTed to an endpoint are signed with. */
  readonly publicKey: string;

  static async start(options: EmulatorOptions): Promise<DiscordEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new DiscordEmulator(server, options);
  }

  private constructor(server: Server, options: EmulatorOptions) {
    const { port } = server.address() as AddressInfo;
    const origin = `127.0.0.1:${port}`;
    const gatewayUrl = `ws://${origin}${GATEWAY_PATH}`;
    const shardCount = options.shards ?? 1;

    this.#server = server;
    this.#ids = new SnowflakeGenerator();
    this.#botPermissions = options.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
    this.#fixtures = new Fixtures(this.#ids, this.#botPermissions, options.extraChannels ?? 0);
    this.#store = new MessageStore(this.#ids);
    this.#commands = new CommandRegistry(this.#ids, this.#fixtures.applicationId);
    this.#interactions = new InteractionRegistry(this.#store, this.#fixtures.botUser, this.#fixtures.applicationId);

    const keys = generateKeyPairSync('ed25519');
    this.#signingKey = keys.privateKey;
    // The last 32 bytes of the SubjectPublicKeyInfo DER are the raw key, as the Developer Portal shows it.
    this.publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('hex');
    this.apiUrl = `http://${origin}/api`;
    this.token = options.token ?? DEFAULT_TOKEN;
    this.applicationId = this.#fixtures.applicationId;
    this.botUser = this.#fixtures.botUser;
    this.guildId = this.#fixtures.guildId;
    this.channelId = this.#fixtures.channelId;
    this.channelIds = this.#fixtures.channelIds;
    this.users = this.#fixtures.users;
    this.commands = this.#commands;

    this.#gateway = new Gateway({ token: this.token, shardCount, fixtures: this.#fixtures, url: () => gatewayUrl });
    this.#rest = new RestApi({
      token: this.token,
      shardCount,
      fixtures: this.#fixtures,
      store: this.#store,
      interactions: this.#interactions,
      commands: this.#commands,
      gatewayUrl: () => gatewayUrl,
      onPinsUpdate: (channelId) => void this.#pinsUpdated(channelId),
    });

    server.on('connection', () => this.#connectionsOpened++);
    server.on('request', (request, response) => {
      this.#rest.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`emulator failure: ${String(error)}`);
      });
    });
    server.on('upgrade', (request, socket, head: Buffer) => {
      if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname === GATEWAY_PATH) {
        this.#gateway.handleUpgrade(request, socket, head);
      } else {
        socket.destroy();
      }
    });
  }

  /** TCP connections the bot opened so far: REST connections, and one gateway connection per shard. */
  /**
   * The environment of a bot process logged in to this emulator from `dataDir`: every setting given, so that a
   * developer's .env cannot interfere, and the production log level.
   */
  botEnvironment(dataDir: string): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '',
      DISCORD_TOKEN: this.token,
      DISCORD_API_URL: this.apiUrl,
      DISCORD_CLIENT_ID: '',
      DISCORD_GUILD_ID: '',
      SOURCE_BASE_URL: '',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // Every process started for this emulator shares one database, in the temporary folder (deleted by close()).
      DATABASE_PATH: this.#databasePath(),
    };
  }

  get connectionsOpened(): number {
    return this.#connectionsOpened;
  }

  /** Every REST request received, in order of arrival. */
  get requests(): RecordedRequest[] {
    return this.#rest.requests;
  }

  /** Non-ephemeral messages the bot created in a channel (the test channel by default), oldest first. */
  messages(channelId = this.channelId): APIMessage[] {
    return this.#store.list(channelId, this.botUser.id).map((message) => structuredClone(message));
  }

  /** Any stored message, ephemeral ones included. */
  message(messageId: string): APIMessage | undefined {
    const message = this.#store.get(messageId);
    return message === undefined ? undefined : structuredClone(message);
  }

  /** Ids of the pinned messages, in the order they were pinned. */
  pins(channelId = this.channelId): string[] {
    return this.#store.pins(channelId).map((pin) => pin.messageId);
  }

  /**
   * A member pins or unpins a message through Discord's own menu (not through the bot): the bot hears of it only by
   * CHANNEL_PINS_UPDATE, which names the channel, not the message.
   */
  setPinnedByMember(messageId: string, pinned: boolean): void {
    const message = this.#store.get(messageId);
    if (message === undefined) throw new Error(`no message ${messageId}`);
    if (pinned) this.#store.pin(message.channel_id, messageId);
    else this.#store.unpin(message.channel_id, messageId);
    void this.#pinsUpdated(message.channel_id);
  }

  /** A message the bot sent earlier in a channel, as when it answered before the test began. */
  postBotMessage(channelId: string, body: Pick<APIMessage, 'embeds' | 'components'>): APIMessage {
    const origin = { channelId, author: this.botUser, type: MessageType.Default };
    return structuredClone(this.#store.create(origin, { embeds: body.embeds, components: body.components ?? [] }));
  }

  /**
   * Holds requests with the bot's token to Discord's rate limits (see rate-limits.ts): X-RateLimit-* headers on every
   * answer, 429 past them. Off by default; undefined turns them off again.
   */
  setRateLimits(limits: RateLimits | undefined): void {
    this.#rest.setRateLimits(limits);
  }

  /** While full, pinning in the channel fails with 30003 as when it holds 250 pins. */
  setPinLimitReached(channelId: string, full: boolean): void {
    this.#store.setPinLimitReached(channelId, full);
  }

  /** Resolves once every shard has identified (or resumed) and received its READY and guild. */
  waitForReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    return this.#gateway.waitForReady(timeoutMs);
  }

  slashCommand(
    name: string,
    options: APIApplicationCommandInteractionDataOption[] = [],
    opts: InteractionOptions & { resolved?: APIInteractionDataResolved } = {},
  ): Promise<Exchange> {
    const payload: APIChatInputApplicationCommandGuildInteraction = {
      ...this.#interactionBase(InteractionType.ApplicationCommand, opts.as),
      data: {
        id: this.#commands.idFor(name, ApplicationCommandType.ChatInput, this.guildId),
        name,
        type: ApplicationCommandType.ChatInput,
        options: options,
        ...(opts.resolved === undefined ? {} : { resolved: opts.resolved }),
      },
    };
    return this.dispatchRaw(payload, opts);
  }

  /** `options` should hold the option being typed, with `focused: true`. */
  autocomplete(
    name: string,
    options: APIApplicationCommandInteractionDataOption[],
    opts: InteractionOptions = {},
  ): Promise<Exchange> {
    const payload: APIApplicationCommandAutocompleteGuildInteraction = {
      ...this.#interactionBase(InteractionType.ApplicationCommandAutocomplete, opts.as),
      data: {
        id: this.#commands.idFor(name, ApplicationCommandType.ChatInput, this.guildId),
        name,
        type: ApplicationCommandType.ChatInput,
        options: options,
      },
    };
    return this.dispatchRaw(payload, opts);
  }

  /**
   * Clicks a button on a message, as it is now (not as the test last saw it). Like a real user, the
   * test can only click an enabled button that is on the message.
   */
  async button(message: APIMessage, customId: string, opts: InteractionOptions = {}): Promise<Exchange> {
    const current = this.#store.get(message.id) ?? message;
    if (!hasEnabledButton(current.components ?? [], customId)) {
      throw new Error(`message ${message.id} has no enabled button with custom_id "${customId}"`);
    }
    const payload: APIGuildInteractionWrapper<APIMessageComponentButtonInteraction> = {
      ...this.#interactionBase(InteractionType.MessageComponent, opts.as),
      data: { custom_id: customId, component_type: ComponentType.Button },
      message: structuredClone(current),
    };
    return this.dispatchRaw(payload, opts);
  }

  /** The "Apps → name" context-menu entry on `target`. */
  messageCommand(name: string, target: APIMessage, opts: InteractionOptions = {}): Promise<Exchange> {
    const payload: APIMessageApplicationCommandGuildInteraction = {
      ...this.#interactionBase(InteractionType.ApplicationCommand, opts.as),
      data: {
        id: this.#commands.idFor(name, ApplicationCommandType.Message, this.guildId),
        name,
        type: ApplicationCommandType.Message,
        target_id: target.id,
        resolved: { messages: { [target.id]: structuredClone(target) } },
      },
    };
    return this.dispatchRaw(payload, opts);
  }

  /** A message a member wrote in the test channel, e.g. as the target of a context-menu command. */
  postUserMessage(content: string, opts: { as?: FixtureMember } = {}): APIMessage {
    const author = (opts.as ?? this.users.member).user;
    const message = this.#store.create({ channelId: this.channelId, author, type: MessageType.Default }, { content });
    return structuredClone(message);
  }

  /**
   * From now on interactions are POSTed to `url`, signed, as Discord does for an application with an Interactions
   * Endpoint URL, instead of being dispatched on the gateway; undefined goes back to the gateway.
   */
  useInteractionsEndpoint(url: string | undefined): void {
    this.#endpoint = url;
  }

  /** The headers Discord signs a request to an interactions endpoint with: the signature over timestamp + body. */
  signatureHeaders(body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
    return {
      'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), this.#signingKey).toString('hex'),
      'x-signature-timestamp': timestamp,
    };
  }

  /**
   * Dispatches any INTERACTION_CREATE payload, even a malformed one, on the shard owning the guild; or, with an
   * interactions endpoint set, POSTs it there (the exchange's `httpStatus` tells how the endpoint answered).
   */
  async dispatchRaw(payload: unknown, opts: { shard?: number; expired?: boolean } = {}): Promise<Exchange> {
    const exchange = this.#interactions.track(payload);
    if (opts.expired) this.#interactions.expire(exchange.interactionId);
    const endpoint = this.#endpoint;
    if (endpoint !== undefined) {
      const body = JSON.stringify(payload);
      exchange.markDispatched();
      // undici's request rather than fetch: in a benchmark's burst, the emulator's own cost per request matters.
      void this.#interactions.deliver(exchange, async () => {
        const { statusCode, body: answer } = await request(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.signatureHeaders(body) },
          body,
        });
        return { status: statusCode, json: () => answer.json(), discard: () => answer.dump() };
      });
      return exchange;
    }
    const shard = opts.shard ?? this.#gateway.shardForGuild(this.guildId);
    exchange.markDispatched();
    await this.#gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload, shard);
    return exchange;
  }

  /** From now on callbacks for the interaction get 10062 and its webhook 50027, as after 15 minutes. */
  expireInteraction(interactionId: string): void {
    this.#interactions.expire(interactionId);
  }

  /** Closes the gateway socket of one shard (all by default) with `code`; discord.js reconnects or resumes. */
  closeGateway(code: number, opts: { shard?: number } = {}): void {
    this.#gateway.closeShards(code, opts.shard);
  }

  /** The next `times` REST requests matching `match` get `response` instead of being handled. */
  failNext(match: FaultMatch, response: FaultResponse, times = 1): void {
    this.#rest.failNext(match, response, times);
  }

  /** Delays every REST answer by `ms` (0 to stop). */
  delayAll(ms: number): void {
    this.#rest.delayAll(ms);
  }

  async close(): Promise<void> {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.#databasePath()}${suffix}`, { force: true });
    this.#interactions.abandonWaits('the emulator was closed');
    this.#rest.close();
    await this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  #databasePath(): string {
    return path.join(tmpdir(), `citebot-emulator-${this.applicationId}.sqlite`);
  }

  #pinsUpdated(channelId: string): Promise<void> {
    const pins = this.#store.pins(channelId);
    const shard = this.#gateway.shardForGuild(this.guildId);
    // A bot with no gateway session (the HTTP interactions endpoint alone) hears of no event, as on Discord.
    if (!this.#gateway.hasSession(shard)) return Promise.resolve();
    return this.#gateway.dispatch(
      GatewayDispatchEvents.ChannelPinsUpdate,
      { guild_id: this.guildId, channel_id: channelId, last_pin_timestamp: pins.at(-1)?.pinnedAt ?? null },
      shard,
    );
  }

  /** The fields every guild interaction carries, as Discord sends them for a guild-installed app. */
  #interactionBase<Type extends InteractionType>(type: Type, as: FixtureMember = this.users.member) {
    const id = this.#ids.next();
    return {
      id,
      application_id: this.applicationId,
      type,
      token: Buffer.from(`interaction:${id}:${randomBytes(32).toString('hex')}`).toString('base64url'),
      version: 1 as const,
      guild_id: this.guildId,
      guild: { id: this.guildId, locale: Locale.EnglishUS, features: [] },
      channel: this.#fixtures.textChannel,
      channel_id: this.channelId,
      member: this.#fixtures.interactionMember(as),
      app_permissions: String(this.#botPermissions),
      locale: Locale.EnglishUS,
      guild_locale: Locale.EnglishUS,
      entitlements: [],
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: this.guildId },
      context: InteractionContextType.Guild,
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    };
  }
}

/** Searches action rows and the nested layouts of components v2 for a clickable button. */
function hasEnabledButton(components: readonly unknown[], customId: string): boolean {
  return components.some((component) => {
    if (typeof component !== 'object' || component === null) return false;
    const candidate = component as { type?: number; custom_id?: string; disabled?: boolean; components?: unknown[]; accessory?: unknown };
    if (candidate.type === ComponentType.Button && candidate.custom_id === customId) return candidate.disabled !== true;
    const children = [...(candidate.components ?? []), ...(candidate.accessory === undefined ? [] : [candidate.accessory])];
    return hasEnabledButton(children, customId);
  });
}
