import {
  Client,
  DiscordjsErrorCodes,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  Options,
  RESTEvents,
  type ClientOptions,
} from 'discord.js';
import { Agent } from 'undici';
import type { REST } from '@discordjs/rest';
import type { BotConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { LiveLibrary } from '../reload.js';
import { AnswerCooldown } from '../interactions/cooldown.js';
import { handleInteraction, type SharedServices } from '../interactions/handle.js';
import { fromDiscordJs } from './gateway-port.js';
import { createInteractionWebhookRest } from './interaction-webhook.js';
import { restMessageEditor } from './message-editor.js';
import { PinTracker } from '../interactions/pinned-answers.js';
import type { StorageSettings } from '../config.js';
import type { Store } from '../store/store.js';
import { TurnTaking } from './turns.js';

/** Without `answerCooldown` answers are not limited; without `managedShards` the bot runs the shards Discord recommends. */
export type DiscordSettings = Pick<BotConfig, 'token' | 'apiUrl' | 'sourceBaseUrl'> &
  Partial<Pick<BotConfig, 'answerCooldown' | 'managedShards'>>;

export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
  constructor() {
    super(
      'Discord rejected DISCORD_TOKEN. Reset the token in the Discord Developer Portal ' +
        '(your application → Bot → Reset Token) and put the new one in .env.',
    );
  }
}

/** Discord closed the gateway for good (bad intents, sharding required…): the bot cannot go on. */
export class GatewayClosedError extends Error {
  override name = 'GatewayClosedError';
  constructor(readonly code: number) {
    super(`Discord closed the gateway connection with code ${code} (${GatewayCloseCodes[code] ?? 'unknown'}).`);
  }
}

export interface StartOptions {
  /** Merged over the bot's own client options (tests use it for a faster identify throttle). */
  readonly clientOptions?: Partial<ClientOptions>;
  /** Called once when Discord ends the session for good after start-up; the bot will not reconnect. */
  readonly onFatal?: (error: TokenRejectedError | GatewayClosedError) => void;
  /** Tracked pins, recorded questions and votes; those features are unavailable without it. */
  readonly store?: Store;
  /** Whether and how long unanswered questions are recorded; not recorded when absent. */
  readonly recording?: Pick<StorageSettings, 'recordQuestions' | 'recordDays' | 'pinClaimMs'>;
  /** With bots sharing a database: tells the others of a /reindex. */
  readonly announceReindex?: () => Promise<void>;
}

export interface Bot {
  readonly client: Client<true>;
  /** Keeps pinned answers true after each reload; undefined without a store. */
  readonly pins: PinTracker | undefined;
  stop(): Promise<void>;
}

function isTokenRejection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // A 401 from /gateway/bot comes as TokenInvalid; a gateway close 4004 during login as a plain "Authentication failed".
  return ('code' in error && error.code === DiscordjsErrorCodes.TokenInvalid) || error.message === 'Authentication failed';
}

/**
 * discord.js builds an interaction from the gateway packet inside its socket's message handler: a malformed packet
 * throws there and surfaces as an unhandled rejection, which would end the process. Log it and drop the packet.
 * `handlePacket` is internal to discord.js (14.28); the "malformed interaction" test fails if it ever moves.
 */
function guardPacketHandling(client: Client, logger: Logger): void {
  const manager = client.ws as unknown as { handlePacket(packet?: { t?: string }, shard?: unknown): boolean };
  const handlePacket = manager.handlePacket.bind(manager);
  manager.handlePacket = (packet, shard) => {
    try {
      return handlePacket(packet, shard);
    } catch (error) {
      logger.error({ err: error, event: packet?.t }, 'dropped a gateway event that could not be read');
      return false;
    }
  };
}

/**
 * Discord's answers that @discordjs/rest deals with by itself: it waits out a 429's Retry-After and retries a 5xx
 * up to three times. Logged by route (`/webhooks/:id/:token/…`): the path itself holds interaction tokens.
 */
function logRetriedResponses(rest: REST, logger: Logger): void {
  rest.on(RESTEvents.Response, (request, response) => {
    const { method, route, retries } = request;
    if (response.status === 429) {
      const retryAfterSeconds = Number(response.headers.get('retry-after') ?? 0);
      logger.warn({ method, route, retryAfterSeconds }, 'Discord is rate limiting a request; it is sent again after the wait');
    } else if (response.status >= 500) {
      logger.warn({ method, route, status: response.status, retries }, 'Discord answered a request with a server error');
    }
  });
}

/**
 * Connections the bot keeps open to Discord's API at most. @discordjs/rest sends interaction callbacks without
 * queueing them, and by default undici opens a new connection for every request sent while the others are busy: in a
 * burst, nearly every reply opened one (a TCP and, on Discord, a TLS handshake), which cost the bot about 0.1 ms of
 * CPU a reply in the benchmark, more than rendering it. Bounded, the connections are kept alive and reused, and a
 * reply waits for one only while all are busy: 128 carry about 1,000 replies a second at Discord's usual round trip.
 */
export const REST_CONNECTIONS = 128;

/**
 * How long interaction handlers may run between two visits of the event loop to the sockets (see turns.ts): short
 * enough that replies leave and Discord's answers are read while a burst is being answered, long enough that the
 * visits cost nothing next to the answers.
 */
const TURN_MS = 10;

function createClient(settings: DiscordSettings, services: SharedServices, overrides: Partial<ClientOptions> = {}): Client {
  const { logger } = services;
  const rest = {
    agent: new Agent({ connections: REST_CONNECTIONS }),
    ...(settings.apiUrl && { api: settings.apiUrl }),
    ...overrides.rest,
  };
  // The same connections and settings, without the bot's global limit (see interaction-webhook.ts).
  const webhooks = createInteractionWebhookRest(rest);
  const client = new Client({
    // Slash commands, buttons and context menus arrive as interactions: no privileged intent is needed.
    intents: [GatewayIntentBits.Guilds],
    // Replies echo member and source text: nothing pings unless a message names its user explicitly.
    allowedMentions: { parse: [] },
    // Alone, as many shards as Discord recommends: one until the bot is in thousands of servers. Under
    // `npm run start:sharded`, the shards the manager gave this process (discord.js takes their total from SHARD_COUNT).
    shards: settings.managedShards ? [...settings.managedShards] : 'auto',
    // Every interaction carries its member, its user and (for a button) its message, and the bot reads them from
    // there: cached, they would add up to everyone who ever asked and every answer ever clicked. Kept: the bot's own
    // user and member, which discord.js reads for the bot itself, and the channels and roles of GUILD_CREATE
    // (pinning goes through the cached channel).
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user?.id },
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user?.id },
    }),
    ...overrides,
    rest,
  });
  guardPacketHandling(client, logger);
  logRetriedResponses(client.rest, logger);
  logRetriedResponses(webhooks, logger);
  const turns = new TurnTaking(TURN_MS);
  client.on(Events.InteractionCreate, (interaction) => {
    const receivedAt = performance.now();
    turns.push(() => {
      const port = fromDiscordJs(interaction, webhooks);
      // The bot registers no other kind of interaction (no modals, no select menus): those are ignored.
      if (port) void handleInteraction(port, services, receivedAt);
    });
  });
  client.on(Events.ClientReady, (ready) =>
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'connected to Discord'),
  );
  client.on(Events.ShardReady, (shard) => logger.info({ shard }, 'gateway session started'));
  client.on(Events.ShardReconnecting, (shard) => logger.warn({ shard }, 'gateway connection lost, reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway session resumed'));
  client.on(Events.ShardError, (error, shard) => logger.error({ err: error, shard }, 'gateway error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'client error'));
  return client;
}

/**
 * At start and after every reload, checks the pinned answers of the servers this process serves (a shard checks its own); and
 * stops tracking those unpinned as Discord reports it (CHANNEL_PINS_UPDATE, with the Guilds intent).
 */
function trackPins(
  client: Client,
  live: LiveLibrary,
  store: Store,
  sourceBaseUrl: string | undefined,
  logger: Logger,
  claimMs: number | undefined,
) {
  const tracker = new PinTracker({
    store,
    editor: restMessageEditor(client.rest),
    sourceBaseUrl,
    logger,
    owns: (pin) => pin.guildId === undefined || client.guilds.cache.has(pin.guildId),
    claimMs,
  });
  let stopped = false;
  const onFailure = (error: unknown) => logger.warn({ err: error }, 'could not check the pinned answers');
  live.onReload((result) => {
    if (result.ok && !stopped) tracker.check(result.library).catch(onFailure);
  });
  // The sources may have changed while the bot was not running: the pins are checked against them once at start.
  tracker.check(live.current).catch(onFailure);
  client.on(Events.ChannelPinsUpdate, (channel) => {
    tracker.channelPinsChanged(channel.id).catch(onFailure);
  });
  return Object.assign(tracker, { stop: () => (stopped = true) });
}

/**
 * Logs in and resolves once the bot is ready to answer. Rejects with TokenRejectedError when Discord refuses the token.
 */
export async function startBot(
  settings: DiscordSettings,
  live: LiveLibrary,
  logger: Logger,
  options: StartOptions = {},
): Promise<Bot> {
  const services: SharedServices = {
    live,
    cooldown: settings.answerCooldown && new AnswerCooldown(settings.answerCooldown),
    sourceBaseUrl: settings.sourceBaseUrl,
    logger,
    ...(options.store && { store: options.store }),
    ...(options.recording && { recording: options.recording }),
    announceReindex: options.announceReindex,
  };
  const client = createClient(settings, services, options.clientOptions);
  // login() resolves before the first GUILD_CREATE; the bot is only ready to pin once ClientReady fires.
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(settings.token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw isTokenRejection(error) ? new TokenRejectedError() : error;
  }
  client.on(Events.ShardDisconnect, ({ code }) => {
    logger.fatal({ code }, 'Discord ended the gateway session for good');
    options.onFatal?.((code as GatewayCloseCodes) === GatewayCloseCodes.AuthenticationFailed ? new TokenRejectedError() : new GatewayClosedError(code));
  });
  const pins = options.store && trackPins(client, live, options.store, settings.sourceBaseUrl, logger, options.recording?.pinClaimMs);
  let stopped: Promise<void> | undefined;
  return {
    client: client as Client<true>,
    pins,
    stop() {
      // Once: the REST connections cannot be closed twice.
      stopped ??= (async () => {
        pins?.stop();
        // discord.js reports the closing of its own connections as a reconnection: not worth a warning.
        client.removeAllListeners(Events.ShardReconnecting);
        await client.destroy();
        // Replies already sent finish (within @discordjs/rest's timeout); then the kept-alive connections close.
        await client.rest.agent?.close();
      })();
      return stopped;
    },
  };
}
